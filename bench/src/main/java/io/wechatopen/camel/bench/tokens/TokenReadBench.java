package io.wechatopen.camel.bench.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link TokenReadBenchmark} at 1 and 2 threads, ours and WxJava's in the same run, in rounds that alternate
 * the thread counts (so that the load of the machine falls on both alike), and writes {@code tokens.csv} and
 * {@code tokens.md} to {@code -Dbench.results}. {@code -Dbench.smoke=1}: one short round (1 s warm-up, 1 s measured).
 * Fails when a subject produced no figure.
 *
 * <p>Arguments: the number of rounds (default 2; smoke 1).
 */
public final class TokenReadBench {

    private static final int[] THREADS = {1, 2};
    /** CSV subject and implementation of each benchmark method; the database reads go to the Markdown only. */
    private static final Map<String, String[]> SUBJECTS = new LinkedHashMap<>();

    static {
        SUBJECTS.put("authorizerOurs", new String[] {"authorizer", "wechat-open-camel"});
        SUBJECTS.put("authorizerWxJava", new String[] {"authorizer", "wxjava"});
        SUBJECTS.put("componentOurs", new String[] {"component", "wechat-open-camel"});
        SUBJECTS.put("componentWxJava", new String[] {"component", "wxjava"});
        SUBJECTS.put("authorizerOursByAppid", new String[] {"authorizer, by appid only", "wechat-open-camel"});
        SUBJECTS.put("authorizerDatabaseRead", new String[] {"authorizer", "before issue 9 (database read per call)"});
        SUBJECTS.put("componentDatabaseRead", new String[] {"component", "before issue 9 (database read per call)"});
    }

    private TokenReadBench() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean smoke = "1".equals(System.getProperty("bench.smoke"));
        int rounds = smoke ? 1 : args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path results = Path.of(System.getProperty("bench.results", "target/results"));
        Files.createDirectories(results);

        // method -> threads -> every measured iteration's ops/s
        Map<String, Map<Integer, ListStatistics>> samples = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < THREADS.length; i++) {
                int threads = THREADS[(round + i) % THREADS.length];
                for (RunResult run : new Runner(options(threads, smoke)).run()) {
                    record(samples, run);
                }
            }
        }

        List<String> csv = new ArrayList<>();
        csv.add("subject,implementation,threads,ops_per_s,error_per_s");
        List<String> md = new ArrayList<>();
        md.add("| subject | implementation | threads | ops/s | ± (99.9%) |");
        md.add("|---|---|---:|---:|---:|");
        for (Map.Entry<String, String[]> subject : SUBJECTS.entrySet()) {
            for (int threads : THREADS) {
                ListStatistics stats = samples.getOrDefault(subject.getKey(), Map.of()).get(threads);
                if (stats == null || stats.getN() == 0) {
                    throw new IllegalStateException(
                            "no figure for " + subject.getKey() + " at " + threads + " threads");
                }
                double error = stats.getN() > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
                if (!subject.getKey().contains("DatabaseRead") && !subject.getKey().contains("ByAppid")) {
                    csv.add(String.format(Locale.ROOT, "%s,%s,%d,%.0f,%.0f", subject.getValue()[0],
                            subject.getValue()[1], threads, stats.getMean(), Double.isNaN(error) ? 0 : error));
                }
                md.add(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s |", subject.getValue()[0],
                        subject.getValue()[1], threads, stats.getMean(),
                        Double.isNaN(error) ? "n/a" : String.format(Locale.ROOT, "%,.0f", error)));
            }
        }
        md.add("");
        md.add("| subject | threads | ours / WxJava | ours / before (database read per call) |");
        md.add("|---|---:|---:|---:|");
        for (String subject : List.of("authorizer", "component")) {
            for (int threads : THREADS) {
                double ours = samples.get(subject + "Ours").get(threads).getMean();
                double wxjava = samples.get(subject + "WxJava").get(threads).getMean();
                double before = samples.get(subject + "DatabaseRead").get(threads).getMean();
                md.add(String.format(Locale.ROOT, "| %s | %d | %.2fx | %.0fx |", subject, threads, ours / wxjava,
                        ours / before));
            }
        }
        md.add("");
        md.add(String.format(Locale.ROOT, "%d round(s), each running every subject at 1 and 2 threads%s.", rounds,
                smoke ? " (smoke: 1 s warm-up, 1 s measured)" : " (3 x 1 s warm-up, 5 x 1 s measured, one fork)"));
        Files.write(results.resolve("tokens.csv"), csv, StandardCharsets.UTF_8);
        Files.write(results.resolve("tokens.md"), md, StandardCharsets.UTF_8);
        md.forEach(System.out::println);
    }

    private static org.openjdk.jmh.runner.options.Options options(int threads, boolean smoke) {
        ChainedOptionsBuilder options = new OptionsBuilder().include(TokenReadBenchmark.class.getName() + "\\.")
                .threads(threads).forks(1).shouldFailOnError(true);
        if (smoke) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(1)
                    .measurementTime(TimeValue.seconds(1));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(1));
        }
        return options.build();
    }

    private static void record(Map<String, Map<Integer, ListStatistics>> samples, RunResult run) {
        BenchmarkParams params = run.getParams();
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        ListStatistics stats = samples.computeIfAbsent(method, m -> new LinkedHashMap<>())
                .computeIfAbsent(params.getThreads(), t -> new ListStatistics());
        for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
            for (IterationResult iteration : benchmark.getIterationResults()) {
                stats.addValue(iteration.getPrimaryResult().getScore());
            }
        }
    }
}
