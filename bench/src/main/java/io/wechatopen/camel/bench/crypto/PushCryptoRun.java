package io.wechatopen.camel.bench.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link PushCryptoBenchmark} (one thread, one fork per benchmark) in {@code -Dbench.crypto.rounds} rounds
 * (default 3), so ours and WxJava alternate, and writes under {@code -Dbench.results}: {@code crypto-jmh.json} (JMH's
 * results of every round in one array), {@code crypto.csv} ({@code implementation,operation,threads,ops_per_s,
 * error_per_s}: the median of the rounds and half their spread) and {@code crypto.md}. {@code -Dbench.smoke=1}: one
 * round, one 1 s warm-up and one 1 s iteration each. Exits with 1 when a benchmark produced no figure.
 */
public final class PushCryptoRun {

    /** Benchmark method → implementation, operation (the CSV's vocabulary). */
    private static final Map<String, String[]> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("oursVerifyDecrypt", new String[] {"wechat-open-camel", "verify-decrypt"});
        ROWS.put("wxjavaVerifyDecrypt", new String[] {"wxjava", "verify-decrypt"});
        ROWS.put("oursVerifyDecryptParse", new String[] {"wechat-open-camel", "verify-decrypt-parse"});
        ROWS.put("wxjavaVerifyDecryptParse", new String[] {"wxjava", "verify-decrypt-parse"});
    }

    private PushCryptoRun() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(System.getProperty("bench.results", "target/results"));
        boolean smoke = "1".equals(System.getProperty("bench.smoke", "0"));
        int rounds = smoke ? 1 : Integer.getInteger("bench.crypto.rounds", 3);
        Files.createDirectories(results);

        // Rounds interleave ours and WxJava, so that load from elsewhere on the machine hits both alike.
        Map<String, List<double[]>> figures = new LinkedHashMap<>();
        List<String> json = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path roundJson = results.resolve("crypto-jmh-round" + round + ".json");
            Options options = new OptionsBuilder().include(PushCryptoBenchmark.class.getName() + "\\.").forks(1)
                    .threads(1).shouldFailOnError(true).warmupIterations(smoke ? 1 : 5)
                    .warmupTime(TimeValue.seconds(smoke ? 1 : 1)).measurementIterations(smoke ? 1 : 5)
                    .measurementTime(TimeValue.seconds(smoke ? 1 : 2)).resultFormat(ResultFormatType.JSON)
                    .result(roundJson.toString()).build();
            for (RunResult run : new Runner(options).run()) {
                String method = run.getParams().getBenchmark().replaceAll(".*\\.", "");
                double error = run.getPrimaryResult().getScoreError();
                figures.computeIfAbsent(method, m -> new ArrayList<>())
                        .add(new double[] {run.getPrimaryResult().getScore(), Double.isNaN(error) ? 0 : error});
            }
            String text = Files.readString(roundJson).strip();
            json.add(text.substring(1, text.length() - 1).strip());
            Files.delete(roundJson);
        }
        write(results.resolve("crypto-jmh.json"), "[\n" + String.join(",\n", json) + "\n]\n");

        StringBuilder csv = new StringBuilder("implementation,operation,threads,ops_per_s,error_per_s\n");
        StringBuilder md = new StringBuilder(
                "| Implementation | Operation | Threads | ops/s | ± | µs/op |\n" + "|---|---|---:|---:|---:|---:|\n");
        boolean complete = true;
        for (Map.Entry<String, String[]> row : ROWS.entrySet()) {
            List<double[]> runs = figures.getOrDefault(row.getKey(), List.of());
            if (runs.size() != rounds || runs.stream().anyMatch(r -> !(r[0] > 0))) {
                System.err.println("no figure for " + row.getKey());
                complete = false;
                continue;
            }
            double score = median(runs.stream().mapToDouble(r -> r[0]).toArray());
            // One round: JMH's 99.9% interval; several: half the spread of the rounds' scores.
            double error = rounds == 1 ? runs.get(0)[1] : (runs.stream().mapToDouble(r -> r[0]).max().orElse(0)
                    - runs.stream().mapToDouble(r -> r[0]).min().orElse(0)) / 2;
            csv.append(String.format(Locale.ROOT, "%s,%s,1,%.1f,%.1f%n", row.getValue()[0], row.getValue()[1], score,
                    error));
            md.append(String.format(Locale.ROOT, "| %s | %s | 1 | %,.0f | %,.0f | %.2f |%n", row.getValue()[0],
                    row.getValue()[1], score, error, 1e6 / score));
        }
        md.append(String.format(Locale.ROOT,
                "%nops/s: median of %d round(s), each one JMH fork per benchmark " + "(%s); ±: %s.%n%n", rounds,
                smoke ? "1 x 1 s warm-up, 1 x 1 s" : "5 x 1 s warm-up, 5 x 2 s",
                rounds == 1 ? "JMH's 99.9% interval" : "half the spread of the rounds"));
        for (String operation : new String[] {"VerifyDecrypt", "VerifyDecryptParse"}) {
            List<double[]> ours = figures.get("ours" + operation);
            List<double[]> peer = figures.get("wxjava" + operation);
            if (ours != null && peer != null && ours.size() == peer.size()) {
                double[] ratios = new double[ours.size()];
                for (int i = 0; i < ratios.length; i++) {
                    ratios[i] = ours.get(i)[0] / peer.get(i)[0];
                }
                md.append(
                        String.format(Locale.ROOT,
                                "%s: wechat-open-camel / wxjava = **%.2fx** (median of the "
                                        + "rounds' ratios %s)%s%n%n",
                                ROWS.get("ours" + operation)[1], median(ratios),
                                Arrays.toString(Arrays.stream(ratios).map(r -> Math.round(r * 100) / 100.0).toArray()),
                                operation.equals("VerifyDecrypt") ? "; target >= 3x" : ""));
            }
        }
        md.append(smoke ? "Smoke run: the figures show only that the benchmark runs.\n" : "");
        write(results.resolve("crypto.csv"), csv);
        write(results.resolve("crypto.md"), md);
        System.out.print(md);
        if (!complete) {
            System.exit(1);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void write(Path file, CharSequence text) throws IOException {
        Files.writeString(file, text);
    }
}
