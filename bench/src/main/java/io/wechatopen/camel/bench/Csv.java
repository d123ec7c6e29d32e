package io.wechatopen.camel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result tables the harnesses write to {@code bench.results}: comma-separated, a header line, no quoting (no
 * value holds a comma).
 */
public final class Csv {

    private Csv() {
    }

    /** The rows of {@code file} as maps from column name to value; empty when the file does not exist. */
    public static List<Map<String, String>> read(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] values = line.split(",", -1);
            if (values.length != header.length) {
                throw new IOException(file + ": row has " + values.length + " values, header " + header.length);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i].trim(), values[i].trim());
            }
            rows.add(row);
        }
        return rows;
    }

    /** Writes a header and rows, replacing {@code file}. */
    public static void write(Path file, String header, List<String> rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        Files.write(file, lines);
    }

    /** The number in a column, or NaN when it is empty. */
    public static double number(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null || value.isEmpty() ? Double.NaN : Double.parseDouble(value);
    }
}
