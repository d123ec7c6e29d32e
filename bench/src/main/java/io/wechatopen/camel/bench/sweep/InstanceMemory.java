package io.wechatopen.camel.bench.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a bundle JVM started with {@code -Xlog:gc:file=<gcLog>}: heap after each collection (from the GC log)
 * and resident set size (from {@code /proc}). Reads only; cheap enough to sample every half second.
 */
final class InstanceMemory {

    /** {@code ... Pause Young (Allocation Failure) 70M->10M(247M) 5.123ms}. */
    private static final Pattern COLLECTION = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final long pid;
    private final Path gcLog;
    private long gcOffset;
    private long maxRssKb;

    InstanceMemory(long pid, Path gcLog) {
        this.pid = pid;
        this.gcLog = gcLog;
    }

    /** Starts a new window: later calls report what happens from now on. */
    void mark() throws IOException {
        gcOffset = Files.exists(gcLog) ? Files.size(gcLog) : 0;
        maxRssKb = 0;
        sample();
    }

    /** Records the current resident set size. */
    void sample() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                maxRssKb = Math.max(maxRssKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
        }
    }

    /** The largest resident set size seen in this window, in MiB. */
    long maxRssMb() {
        return maxRssKb / 1024;
    }

    /** Collects all garbage now (jcmd GC.run), so the window's last heap figure is the live set. */
    void fullCollection() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
    }

    /** The largest heap left after a collection in this window, in MiB (a ceiling of the live set). */
    long maxHeapAfterGcMb() throws IOException {
        return heapFigures(2);
    }

    /** The heap after the window's last collection, in MiB. */
    long lastHeapAfterGcMb() throws IOException {
        long last = 0;
        for (String line : windowLines()) {
            Matcher m = COLLECTION.matcher(line);
            if (m.find()) {
                last = Long.parseLong(m.group(2));
            }
        }
        return last;
    }

    private long heapFigures(int group) throws IOException {
        long max = 0;
        for (String line : windowLines()) {
            Matcher m = COLLECTION.matcher(line);
            if (m.find()) {
                max = Math.max(max, Long.parseLong(m.group(group)));
            }
        }
        return max;
    }

    private List<String> windowLines() throws IOException {
        if (!Files.exists(gcLog)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(gcLog);
        int from = (int) Math.min(gcOffset, all.length);
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
}
