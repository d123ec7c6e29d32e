package io.wechatopen.camel.bench.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own one-row insert-and-commit limit on this machine: {@code pgbench -n -c N -j N -T s -f script} with
 * a script of one INSERT (autocommit) into {@code bench_push}, a copy of {@code wechat_authorization_event} with its
 * column sizes, keys and indexes, rows the size of the bundle's (a sealed payload of the measured average length).
 */
final class PgBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

    private final Database database;
    private final Path script;

    private PgBench(Database database, Path script) {
        this.database = database;
        this.script = script;
    }

    /** Creates {@code bench_push} in the database's schema and writes the script into {@code dir}. */
    static PgBench prepare(Database database, Path dir) throws SQLException, IOException {
        database.execute("CREATE TABLE bench_push (LIKE wechat_authorization_event INCLUDING ALL)");
        String payload = "x".repeat(database.averagePayloadLength());
        String sql = "INSERT INTO bench_push (id, component_appid, info_type, create_time, received_at,"
                + " msg_signature, push_timestamp, push_nonce, payload, status, body_hash, next_attempt_at)"
                + " VALUES (gen_random_uuid()::text, 'wx0123456789abcdef', 'component_verify_ticket', 1764979200000,"
                + " 1764979200000, md5(random()::text) || '01234567', '1764979200', :client_id || '-'"
                + " || md5(random()::text), '" + payload + "', 'RECEIVED', md5(random()::text) || md5(random()::text),"
                + " 1764979200000);\n";
        Path script = dir.resolve("one-row-insert.sql");
        Files.createDirectories(dir);
        Files.writeString(script, sql, StandardCharsets.UTF_8);
        return new PgBench(database, script);
    }

    /** Runs pgbench at {@code clients} clients for {@code duration}; returns its tps (without connection time). */
    double tps(int clients, Duration duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", String.valueOf(clients), "-j",
                String.valueOf(clients), "-T", String.valueOf(duration.toSeconds()), "-f", script.toString()));
        command.addAll(database.pgbenchConnection());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGOPTIONS", "-c search_path=" + database.schema());
        String password = database.password();
        if (!password.isEmpty()) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Matcher m = TPS.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException("pgbench failed (exit " + exit + "):\n" + output);
        }
        return Double.parseDouble(m.group(1));
    }
}
