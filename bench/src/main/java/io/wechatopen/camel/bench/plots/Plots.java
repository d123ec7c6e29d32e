package io.wechatopen.camel.bench.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import io.wechatopen.camel.bench.Csv;

/**
 * Draws the plots of BENCHMARKS.md from the harnesses' CSV files: {@code Plots <results dir> <plots dir>}. A plot
 * whose CSV is missing is skipped; with no CSV at all the run fails.
 */
public final class Plots {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf)};

    private final Path results;
    private final Path plots;
    private final List<Path> written = new ArrayList<>();

    private Plots(Path results, Path plots) {
        this.results = results;
        this.plots = plots;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Plots drawing = new Plots(Path.of(args[0]), Path.of(args[1]));
        Files.createDirectories(drawing.plots);
        drawing.intake();
        drawing.sweep();
        drawing.tokens();
        drawing.crypto();
        if (drawing.written.isEmpty()) {
            throw new IllegalStateException("no result CSV in " + drawing.results + ": nothing to plot");
        }
        drawing.written.forEach(p -> System.out.println("plot: " + p));
    }

    /** Pushes/s and p99 against connections, per database, beside PostgreSQL's own commit limit (pgbench). */
    private void intake() throws IOException {
        List<Map<String, String>> rows = Csv.read(results.resolve("intake.csv"));
        if (rows.isEmpty()) {
            return;
        }
        XYSeriesCollection throughput = new XYSeriesCollection();
        XYSeriesCollection p99 = new XYSeriesCollection();
        XYSeries limit = new XYSeries("PostgreSQL one-row insert+commit (pgbench)");
        for (String database : new TreeSet<>(rows.stream().map(r -> r.get("database")).toList())) {
            XYSeries rate = new XYSeries(database + " pushes/s");
            XYSeries latency = new XYSeries(database + " p99");
            for (Map<String, String> row : rows) {
                if (row.get("database").equals(database)) {
                    double connections = Csv.number(row, "connections");
                    rate.add(connections, Csv.number(row, "pushes_per_s"));
                    latency.add(connections, Csv.number(row, "p99_ms"));
                    double commits = Csv.number(row, "commit_limit_per_s");
                    if (!Double.isNaN(commits)) {
                        limit.addOrUpdate(connections, commits);
                    }
                }
            }
            throughput.addSeries(rate);
            p99.addSeries(latency);
        }
        int limitIndex = -1;
        if (limit.getItemCount() > 0) {
            throughput.addSeries(limit);
            limitIndex = throughput.getSeriesCount() - 1;
        }
        XYSeries target = new XYSeries("p99 target 25 ms");
        for (Map<String, String> row : rows) {
            target.addOrUpdate(Csv.number(row, "connections"), 25.0);
        }
        p99.addSeries(target);

        LogAxis connections = base2Axis("HTTP connections");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(connections);
        plot.add(xyPlot(throughput, "per second", limitIndex), 3);
        plot.add(xyPlot(p99, "p99 latency, ms", p99.getSeriesCount() - 1), 2);
        save("intake.png", new JFreeChart("Durable push intake over HTTP", JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /** Refreshes/s against refresh concurrency, one and two instances, beside the bound (concurrency / latency). */
    private void sweep() throws IOException {
        List<Map<String, String>> rows = Csv.read(results.resolve("sweep.csv"));
        if (rows.isEmpty()) {
            return;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        List<Integer> dashed = new ArrayList<>();
        for (String instances : new TreeSet<>(rows.stream().map(r -> r.get("instances")).toList())) {
            XYSeries rate = new XYSeries(instances + (instances.equals("1") ? " instance" : " instances"));
            XYSeries bound = new XYSeries("bound, " + instances + (instances.equals("1") ? " instance" : " instances"));
            for (Map<String, String> row : rows) {
                if (row.get("instances").equals(instances)) {
                    double concurrency = Csv.number(row, "concurrency");
                    // Several rounds at one concurrency: the best counts, as in BENCHMARKS.md.
                    Number previous = indexOf(rate, concurrency) < 0 ? null
                            : rate.getY(indexOf(rate, concurrency));
                    double value = Csv.number(row, "refreshes_per_s");
                    if (previous == null || previous.doubleValue() < value) {
                        rate.addOrUpdate(concurrency, value);
                    }
                    bound.addOrUpdate(concurrency, Csv.number(row, "bound_per_s"));
                }
            }
            data.addSeries(rate);
            data.addSeries(bound);
            dashed.add(data.getSeriesCount() - 1);
        }
        LogAxis concurrency = base2Axis("refresh concurrency per instance");
        XYPlot plot = xyPlot(data, "refreshes per second", -1);
        plot.setDomainAxis(concurrency);
        for (int i : dashed) {
            plot.getRenderer().setSeriesStroke(i, DASHED);
            plot.getRenderer().setSeriesPaint(i, PALETTE[(i - 1) % PALETTE.length]);
        }
        save("sweep.png", new JFreeChart("Authorizer refresh sweep (WeChat latency "
                + rows.get(0).get("latency_ms") + " ms)", JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    private static int indexOf(XYSeries series, double x) {
        return series.indexOf(x);
    }

    /** Token reads/s against threads: ours and WxJava's, for the authorizer and the component token. */
    private void tokens() throws IOException {
        List<Map<String, String>> rows = Csv.read(results.resolve("tokens.csv"));
        if (rows.isEmpty()) {
            return;
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map<String, String> row : rows) {
            data.addValue(Csv.number(row, "ops_per_s") / 1e6,
                    row.get("subject") + " token, " + row.get("implementation"),
                    row.get("threads") + (row.get("threads").equals("1") ? " thread" : " threads"));
        }
        save("tokens.png", barChart("Token reads, cache hit", data, "million reads per second"));
    }

    /** Pushes/s verified and decrypted on one thread: ours and WxJava's WxCryptUtil.decryptXml. */
    private void crypto() throws IOException {
        List<Map<String, String>> rows = Csv.read(results.resolve("crypto.csv"));
        if (rows.isEmpty()) {
            return;
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map<String, String> row : rows) {
            data.addValue(Csv.number(row, "ops_per_s") / 1e3, row.get("implementation"),
                    row.get("operation") + ", " + row.get("threads") + " thread(s)");
        }
        save("crypto.png", barChart("Push verify + decrypt", data, "thousand pushes per second"));
    }

    private static LogAxis base2Axis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        // One tick per power of two (1, 2, 4, ... 64): the unit counts in exponents on a log axis.
        axis.setTickUnit(new NumberTickUnit(1), false, true);
        axis.setNumberFormatOverride(new DecimalFormat("0"));
        return axis;
    }

    private static XYPlot xyPlot(XYSeriesCollection data, String valueLabel, int dashedSeries) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        if (dashedSeries >= 0) {
            renderer.setSeriesStroke(dashedSeries, DASHED);
            renderer.setSeriesPaint(dashedSeries, Color.GRAY);
        }
        NumberAxis values = new NumberAxis(valueLabel);
        values.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, null, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static JFreeChart barChart(String title, DefaultCategoryDataset data, String valueLabel) {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(), new NumberAxis(valueLabel), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ((BarRenderer) plot.getRenderer()).setItemMargin(0.05);
        return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    private void save(String name, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        Path file = plots.resolve(name);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        written.add(file);
    }
}
