package io.wechatopen.camel.bench.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.TestPushes;

/**
 * The load generator: pushes built before the clock starts (signed, encrypted, distinct nonces, as WeChat sends them)
 * and posted over {@code connections} keep-alive HTTP/1.1 connections on loopback, each a blocking socket with one
 * request in flight. A plain socket writing prepared bytes costs the generator almost nothing, so the machine's CPU
 * goes to the bundle and the database.
 */
final class PushLoad {

    /** A push as the bytes of its HTTP request, and its nonce (the key to find it in the database). */
    record Request(byte[] bytes, String nonce) {
    }

    /**
     * What a run measured.
     *
     * @param sent requests answered (any status)
     * @param errors answers other than 200 {@code success}, and failed connections
     * @param seconds the measured time
     * @param latenciesNanos the latency of every answered request, sorted
     * @param storedNonces the nonces of the pushes answered {@code success}
     * @param ranOut whether the prepared pushes ran out before the time was up
     * @param errorSamples a few error answers, for the log
     */
    record Result(int sent, int errors, double seconds, long[] latenciesNanos, List<String> storedNonces,
            boolean ranOut, List<String> errorSamples) {

        double perSecond() {
            return (sent - errors) / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p / 100.0 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }
    }

    private final int port;

    PushLoad(int port) {
        this.port = port;
    }

    /** Builds {@code count} ticket pushes of {@code ticket}, timestamped now, each with its own nonce. */
    List<Request> prepare(TestPushes pushes, String appid, String ticket, int count) {
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            EncryptedPush push = pushes.push(TestPushes.ticketXml(appid, ticket, Instant.now()));
            byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
            String head = "POST /wechat/component/events?" + push.queryString() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port + "\r\nContent-Type: text/xml\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] bytes = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, bytes, headBytes.length, body.length);
            requests.add(new Request(bytes, push.nonce()));
        }
        return requests;
    }

    /** Posts {@code requests} in order over {@code connections} connections for {@code duration} at most. */
    Result run(List<Request> requests, int connections, Duration duration) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[requests.size()];
        boolean[] success = new boolean[requests.size()];
        boolean[] answered = new boolean[requests.size()];
        ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        AtomicInteger connectionFailures = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            Thread worker = new Thread(() -> {
                Connection connection = null;
                try {
                    while (System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        if (i >= requests.size()) {
                            return;
                        }
                        if (connection == null) {
                            connection = new Connection(port);
                        }
                        long sent = System.nanoTime();
                        Answer answer = connection.exchange(requests.get(i).bytes());
                        latencies[i] = System.nanoTime() - sent;
                        answered[i] = true;
                        success[i] = answer.status() == 200 && "success".equals(answer.body());
                        if (!success[i] && errorSamples.size() < 5) {
                            errorSamples.add(answer.status() + " " + answer.body());
                        }
                        if (answer.close()) {
                            connection.close();
                            connection = null;
                        }
                    }
                } catch (IOException e) {
                    connectionFailures.incrementAndGet();
                    if (errorSamples.size() < 5) {
                        errorSamples.add(e.toString());
                    }
                } finally {
                    if (connection != null) {
                        connection.close();
                    }
                }
            }, "push-load-" + w);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long end = System.nanoTime();
        boolean ranOut = next.get() >= requests.size() && end < deadline;
        double seconds = (Math.min(end, deadline) - start) / 1e9;
        int sent = 0;
        int errors = connectionFailures.get();
        List<String> stored = new ArrayList<>();
        long[] answeredLatencies = new long[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            if (answered[i]) {
                answeredLatencies[sent++] = latencies[i];
                if (success[i]) {
                    stored.add(requests.get(i).nonce());
                } else {
                    errors++;
                }
            }
        }
        long[] sorted = Arrays.copyOf(answeredLatencies, sent);
        Arrays.sort(sorted);
        return new Result(sent, errors, seconds, sorted, stored, ranOut, List.copyOf(errorSamples));
    }

    private record Answer(int status, String body, boolean close) {
    }

    /** One keep-alive connection: writes a prepared request, reads one answer with a Content-Length. */
    private static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final StringBuilder line = new StringBuilder();

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.1 answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            boolean close = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                String name = colon < 0 ? header : header.substring(0, colon).trim();
                String value = colon < 0 ? "" : header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new IOException("answer without Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed in the body");
            }
            return new Answer(status, new String(body, StandardCharsets.UTF_8), close);
        }

        private String readLine() throws IOException {
            line.setLength(0);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
