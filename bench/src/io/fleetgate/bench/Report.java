package io.fleetgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes results.json, SUMMARY.md and the PNG plots; judges each target as met or missed. */
final class Report {
    private final Path out;
    private final Map<String, Object> results;
    private final List<String> plots = new ArrayList<>();

    Report(Path out, Map<String, Object> results) {
        this.out = out;
        this.results = results;
    }

    void write() throws IOException {
        results.put("targets", targets());
        plot();
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), results);
        Files.writeString(out.resolve("SUMMARY.md"), markdown());
        System.out.println();
        System.out.println(Files.readString(out.resolve("SUMMARY.md")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Object o) {
        return o instanceof List ? (List<Map<String, Object>>) o : List.of();
    }

    /** "name value, name value" in the map's order. */
    private static String inline(Map<String, Object> values) {
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> text.append(text.isEmpty() ? "" : ", ").append(name).append(' ').append(value));
        return text.toString();
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Map<String, Object> target(String name, String goal, String measured, Boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", name);
        t.put("goal", goal);
        t.put("measured", measured);
        t.put("status", met == null ? "not measured" : met ? "met" : "missed");
        return t;
    }

    /** A read level's row for one target, or null. */
    private static Map<String, Object> level(Map<String, Object> throughput, String target, int concurrency) {
        return rows(throughput.get(target)).stream().filter(r -> num(r.get("concurrency")) == concurrency).findFirst().orElse(null);
    }

    /** The goals of README "Performance" (issue 14's table). */
    private List<Map<String, Object>> targets() {
        List<Map<String, Object>> t = new ArrayList<>();
        Map<String, Object> read = map(results.get("read"));
        Map<String, Object> throughput = read == null ? null : map(read.get("throughput"));
        if (throughput != null && throughput.containsKey("nginx")) {
            StringBuilder measured = new StringBuilder();
            boolean met = true;
            for (int c : List.of(32, 128)) {
                Map<String, Object> fg = level(throughput, "fleetgate", c);
                Map<String, Object> ng = level(throughput, "nginx", c);
                if (fg == null || ng == null) {
                    measured.append("c=").append(c).append(" not run; ");
                    met = false;
                    continue;
                }
                double ratio = num(fg.get("requests_per_s")) / num(ng.get("requests_per_s"));
                met &= ratio >= 0.5;
                measured.append(String.format(Locale.ROOT, "c=%d: %.2fx (%.0f vs %.0f req/s); ", c, ratio,
                        num(fg.get("requests_per_s")), num(ng.get("requests_per_s"))));
            }
            t.add(target("read throughput vs nginx", ">= 0.5x at c=32 and c=128", measured.toString().replaceAll("; $", ""), met));
            Map<String, Object> fg = level(throughput, "fleetgate", 128);
            Map<String, Object> ng = level(throughput, "nginx", 128);
            if (fg != null && ng != null) {
                double ratio = num(fg.get("proxy_cpu_ms_per_request")) / num(ng.get("proxy_cpu_ms_per_request"));
                t.add(target("CPU per read vs nginx's", "<= 5x", String.format(Locale.ROOT, "%.1fx at c=128 (%.3f vs %.3f ms)",
                        ratio, num(fg.get("proxy_cpu_ms_per_request")), num(ng.get("proxy_cpu_ms_per_request"))), ratio <= 5));
            }
        } else if (read != null) {
            t.add(target("read throughput vs nginx", ">= 0.5x at c=32 and c=128", "nginx or wrk missing", null));
        }
        Map<String, Object> fixed = read == null ? null : map(read.get("fixed_rate"));
        if (fixed != null && fixed.containsKey("fleetgate")) {
            double directP99 = num(map(fixed.get("direct")).get("p99_ms"));
            double added = num(fixed.get("p99_added_ms_median_of_rounds"));
            double addedP50 = num(map(fixed.get("fleetgate")).get("p50_ms")) - num(map(fixed.get("direct")).get("p50_ms"));
            String measured = String.format(Locale.ROOT, "p50 +%.2f ms, p99 +%.2f ms (median of rounds %s; direct p99 %.2f ms)",
                    addedP50, added, fixed.get("p99_added_ms_per_round"), directP99);
            if (directP99 > 2 && addedP50 <= 0.5) {
                // the simulator alone already misses the p99 budget: the machine's own noise, not Fleetgate, sets p99
                Map<String, Object> noisy = target("latency added at 200 reads/s", "p50 <= 0.5 ms, p99 <= 2 ms",
                        measured + ": direct p99 above the budget, machine too noisy to judge p99", null);
                noisy.put("status", "inconclusive");
                t.add(noisy);
            } else {
                t.add(target("latency added at 200 reads/s", "p50 <= 0.5 ms, p99 <= 2 ms", measured, addedP50 <= 0.5 && added <= 2));
            }
        }
        Map<String, Object> kafka = map(results.get("kafka"));
        if (kafka != null) {
            List<Map<String, Object>> steps = rows(kafka.get("steps"));
            Map<String, Object> at1000 = steps.stream().filter(s -> num(s.get("offered_per_s")) == 1000).findFirst().orElse(null);
            Map<String, Object> at2000 = steps.stream().filter(s -> num(s.get("offered_per_s")) == 2000).findFirst().orElse(null);
            boolean met1000 = at1000 != null && num(at1000.get("achieved_per_s")) >= 950 && num(at1000.get("p99_ms")) <= 50;
            boolean met2000 = at2000 != null && num(at2000.get("achieved_per_s")) >= 1900 && num(at2000.get("p99_ms")) <= 100;
            t.add(target("Kafka command path", ">= 2,000/s with p99 <= 100 ms; 1,000/s with p99 <= 50 ms", String.format(Locale.ROOT,
                    "1,000/s: %s; 2,000/s: %s; max achieved %.0f/s", step(at1000), step(at2000), num(kafka.get("max_achieved_per_s"))), met1000 && met2000));
            // judged at the highest rate the path kept up with: below it, idle work spreads over few commands
            Map<String, Object> kept = steps.stream().filter(s -> num(s.get("achieved_per_s")) >= 0.95 * num(s.get("offered_per_s")))
                    .reduce((a, b) -> b).orElse(null);
            if (kept != null) {
                t.add(target("CPU per command", "<= 0.5 ms", String.format(Locale.ROOT, "%.2f ms at %.0f/s (the highest rate kept up with)",
                        num(kept.get("fleetgate_cpu_ms_per_command")), num(kept.get("offered_per_s"))), num(kept.get("fleetgate_cpu_ms_per_command")) <= 0.5));
            }
        }
        Map<String, Object> storm = map(results.get("storm"));
        if (storm != null) {
            double wall = num(storm.get("wall_s"));
            boolean complete = num(storm.get("wake_up_calls")) == num(storm.get("vehicles"))
                    && num(storm.get("commands_succeeded")) == num(storm.get("commands_sent"));
            String options = storm.get("fleetgate_jvm_options").toString();
            boolean capped = options.contains("-Xmx512m");
            t.add(target("sleep storm", "5,000 x 5 in <= 20 s, complete under -Xmx512m", String.format(Locale.ROOT,
                    "%.1f s with %s; %.0f wake_up for %.0f vehicles, %.0f of %.0f ok, %s refusals sent again after Retry-After; heap in use at most %.0f MB (of samples every 200 ms) and %s MB after a collection; collections %s%s",
                    wall, options.isBlank() ? "the JVM's default heap" : options, num(storm.get("wake_up_calls")), num(storm.get("vehicles")),
                    num(storm.get("commands_succeeded")), num(storm.get("commands_sent")), storm.getOrDefault("refused_503_then_sent_again", "?"),
                    num(storm.get("peak_heap_used_mb")), storm.getOrDefault("peak_heap_after_any_gc_mb", "?"), storm.getOrDefault("gc_collections", "?"),
                    Boolean.TRUE.equals(storm.get("out_of_memory")) ? ", OutOfMemoryError" : "")
                    + (num(storm.getOrDefault("warm_up_vehicles", 0)) > 0 ? String.format(Locale.ROOT,
                    "; JIT warmed first by %.0f x %s storms on other vehicles until two took the same time%s (%s s; the first, cold, %.0f ok)",
                    num(storm.get("warm_up_vehicles")), storm.get("commands_per_vehicle"),
                    storm.get("warm_up_last_jit_share") instanceof Number share
                            ? String.format(Locale.ROOT, ", the JIT %.0f %% of the CPU in the last", share.doubleValue() * 100) : "",
                    storm.getOrDefault("warm_up_walls_s", List.of(storm.get("warm_up_cold_wall_s"))),
                    num(storm.get("warm_up_ok"))) : "; cold JVM"),
                    capped && complete && wall <= 20));
        }
        Map<String, Object> chaos = map(results.get("chaos"));
        if (chaos != null && chaos.containsKey("accepted")) {
            double lost = num(chaos.get("lost"));
            double duplicated = num(chaos.get("duplicated"));
            t.add(target("chaos: kills, a broker outage, a regional outage", "0 lost, 0 duplicated",
                    String.format(Locale.ROOT, "%.0f lost, %.0f duplicated of %.0f accepted (%.0f executed once); %.0f REST refused with 503",
                            lost, duplicated, num(chaos.get("accepted")), num(chaos.get("executed_once")), num(chaos.get("rest_refused_503"))),
                    lost == 0 && duplicated == 0));
        }
        Map<String, Object> outage = map(results.get("outage"));
        if (outage != null && outage.containsKey("events_lost")) {
            t.add(target("Kafka outage: audit events", "0 lost, 0 twice", String.format(Locale.ROOT, "%s lost, %s twice of %s produced in a %s s outage at %s/s; %s journaled, replayed %s s after the broker's return",
                    outage.get("events_lost"), outage.get("events_twice"), outage.get("events_produced"), outage.get("outage_s"), outage.get("rate_per_s"),
                    outage.get("events_journaled"), outage.get("replay_s")), num(outage.get("events_lost")) == 0 && num(outage.get("events_twice")) == 0));
        }
        Map<String, Object> scale = map(results.get("scale"));
        if (scale != null) {
            List<Map<String, Object>> sizes = rows(scale.get("sizes"));
            double emptyReady = sizes.isEmpty() ? 0 : num(sizes.get(0).get("ready_ms"));
            for (Map<String, Object> size : sizes) {
                double p99 = num(map(size.get("usage_month_to_now")).get("p99_ms"));
                double ready = num(size.get("ready_ms"));
                t.add(target(String.format(Locale.ROOT, "usage at scale: %,.0f audit events", num(size.get("events"))),
                        "report p99 <= 50 ms, start-up within 1 s of the empty case",
                        String.format(Locale.ROOT, "/api/usage p99 %.1f ms (partial days %.1f ms); ready %.1f s (empty %.1f s); RSS %.0f MB",
                                p99, num(map(size.get("usage_partial_days")).get("p99_ms")), ready / 1000, emptyReady / 1000, num(size.get("rss_mb"))),
                        p99 <= 50 && ready - emptyReady <= 1000));
            }
        }
        Map<String, Object> stream = map(results.get("stream"));
        Map<String, Object> paced = stream == null ? null : map(stream.get("paced"));
        if (paced != null) {
            double p99 = num(paced.get("p99_ms"));
            boolean complete = num(paced.get("sse_deliveries")) >= num(paced.get("sse_deliveries_expected"));
            t.add(target(String.format(Locale.ROOT, "streaming latency at %,.0f records/s", num(paced.get("offered_records_per_s"))),
                    "p99 <= 50 ms (produce to SSE receipt)", String.format(Locale.ROOT,
                            "p50 %.1f ms, p99 %.1f ms, max %.1f ms; %,.0f of %,.0f deliveries to %s clients; %.3f ms CPU per record",
                            num(paced.get("p50_ms")), p99, num(paced.get("max_ms")), num(paced.get("sse_deliveries")),
                            num(paced.get("sse_deliveries_expected")), stream.get("streams_open"), num(paced.get("fleetgate_cpu_ms_per_record"))),
                    complete && p99 <= 50));
            double heap = num(stream.get("heap_per_connection_kb"));
            t.add(target("memory per SSE connection", "<= 50 KB", String.format(Locale.ROOT, "%.1f KB heap, %.1f KB RSS (%s open streams, after a collection)",
                    heap, num(stream.get("rss_per_connection_kb")), stream.get("streams_open")), heap <= 50));
        }
        Map<String, Object> startup = map(results.get("startup"));
        if (startup != null) {
            double ready = num(startup.get("ready_ms_median"));
            t.add(target("start-up, cold", "<= 5 s", String.format(Locale.ROOT, "%.1f s (median); idle RSS %.0f MB",
                    ready / 1000, num(startup.get("idle_rss_mb_median"))), ready <= 5000));
            if (startup.containsKey("cached_ready_ms_median")) {
                double cached = num(startup.get("cached_ready_ms_median"));
                t.add(target("start-up with the launcher's cache", "<= 3 s", String.format(Locale.ROOT, "%.1f s (median; %s)",
                        cached / 1000, startup.get("cached_options")), cached <= 3000));
            }
        }
        return t;
    }

    private static String step(Map<String, Object> step) {
        return step == null ? "not run" : String.format(Locale.ROOT, "%.0f/s achieved, p99 %.1f ms", num(step.get("achieved_per_s")), num(step.get("p99_ms")));
    }

    private void plot() throws IOException {
        Map<String, Object> read = map(results.get("read"));
        Map<String, Object> throughput = read == null ? null : map(read.get("throughput"));
        if (throughput != null) {
            DefaultCategoryDataset rps = new DefaultCategoryDataset();
            DefaultCategoryDataset p99 = new DefaultCategoryDataset();
            for (var entry : throughput.entrySet()) {
                for (Map<String, Object> row : rows(entry.getValue())) {
                    String level = "c=" + row.get("concurrency");
                    rps.addValue(num(row.get("requests_per_s")), entry.getKey(), level);
                    p99.addValue(num(row.get("p99_ms")), entry.getKey(), level);
                }
            }
            save("read-throughput.png", ChartFactory.createBarChart("GET vehicle_data: requests/s (wrk)", "concurrency", "requests/s", rps));
            save("read-p99.png", ChartFactory.createBarChart("GET vehicle_data: p99 latency (wrk)", "concurrency", "ms", p99));
        }
        Map<String, Object> kafka = map(results.get("kafka"));
        if (kafka != null) {
            XYSeries achieved = new XYSeries("achieved commands/s");
            XYSeries ideal = new XYSeries("offered");
            XYSeries p99 = new XYSeries("p99 ms");
            for (Map<String, Object> step : rows(kafka.get("steps"))) {
                achieved.add(num(step.get("offered_per_s")), num(step.get("achieved_per_s")));
                ideal.add(num(step.get("offered_per_s")), num(step.get("offered_per_s")));
                p99.add(num(step.get("offered_per_s")), num(step.get("p99_ms")));
            }
            XYSeriesCollection rates = new XYSeriesCollection(achieved);
            rates.addSeries(ideal);
            save("kafka-throughput.png", lines(ChartFactory.createXYLineChart("Kafka command path: achieved vs offered",
                    "offered commands/s", "commands/s", rates, PlotOrientation.VERTICAL, true, false, false)));
            save("kafka-p99.png", lines(ChartFactory.createXYLineChart("Kafka command path: end-to-end p99",
                    "offered commands/s", "p99 ms (produce -> result consumed)", new XYSeriesCollection(p99), PlotOrientation.VERTICAL, true, false, false)));
        }
        Map<String, Object> scale = map(results.get("scale"));
        if (scale != null) {
            XYSeries ready = new XYSeries("start-up to ready, ms");
            XYSeries month = new XYSeries("/api/usage month to now, p99 ms");
            XYSeries partial = new XYSeries("/api/usage partial days, p99 ms");
            XYSeries checkedRead = new XYSeries("budget-checked read, p99 ms");
            XYSeries rss = new XYSeries("RSS, MB");
            for (Map<String, Object> size : rows(scale.get("sizes"))) {
                double events = num(size.get("events")) / 1e6;
                ready.add(events, num(size.get("ready_ms")));
                month.add(events, num(map(size.get("usage_month_to_now")).get("p99_ms")));
                partial.add(events, num(map(size.get("usage_partial_days")).get("p99_ms")));
                checkedRead.add(events, num(map(size.get("budget_checked_read")).get("p99_ms")));
                rss.add(events, num(size.get("rss_mb")));
            }
            XYSeriesCollection latencies = new XYSeriesCollection(month);
            latencies.addSeries(partial);
            latencies.addSeries(checkedRead);
            XYSeriesCollection startAndMemory = new XYSeriesCollection(ready);
            startAndMemory.addSeries(rss);
            save("scale-latency.png", lines(ChartFactory.createXYLineChart("Usage at scale: latency against audit events in the month",
                    "audit events (millions)", "ms", latencies, PlotOrientation.VERTICAL, true, false, false)));
            save("scale-startup.png", lines(ChartFactory.createXYLineChart("Usage at scale: start-up and memory against audit events",
                    "audit events (millions)", "ms / MB", startAndMemory, PlotOrientation.VERTICAL, true, false, false)));
        }
        Map<String, Object> storm = map(results.get("storm"));
        if (storm != null && storm.get("completions_per_second") instanceof List<?> perSecond) {
            String options = storm.get("fleetgate_jvm_options").toString();
            String label = options.isBlank() ? "JVM default heap" : options;
            XYSeries done = new XYSeries("commands answered, " + label);
            long total = 0;
            for (int s = 0; s < perSecond.size(); s++) {
                total += ((Number) perSecond.get(s)).longValue();
                done.add(s + 1, total);
            }
            XYSeries heap = new XYSeries("heap used MB, " + label);
            List<?> samples = (List<?>) storm.get("heap_used_mb_every_200ms");
            for (int i = 0; i < samples.size(); i++) {
                heap.add(i * 0.2, ((Number) samples.get(i)).doubleValue());
            }
            save("storm-progress.png", lines(ChartFactory.createXYLineChart("Sleep storm: commands answered over time",
                    "seconds", "commands", new XYSeriesCollection(done), PlotOrientation.VERTICAL, true, false, false)));
            save("storm-heap.png", lines(ChartFactory.createXYLineChart("Sleep storm: Fleetgate heap used",
                    "seconds", "MB", new XYSeriesCollection(heap), PlotOrientation.VERTICAL, true, false, false)));
        }
    }

    private static JFreeChart lines(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDefaultStroke(new BasicStroke(2f));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }

    private void save(String name, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot plot) {
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        ChartUtils.saveChartAsPNG(out.resolve(name).toFile(), chart, 720, 400);
        plots.add(name);
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Fleetgate benchmark results\n\n");
        Map<String, Object> machine = map(results.get("machine"));
        md.append(String.format(Locale.ROOT, "Run %s%s on %s cores, %s GiB (%s), %s. Load average (1/5/15 min) at start %s, at end %s. Took %s s.%n%n",
                results.get("started_at"), Boolean.TRUE.equals(results.get("quick")) ? " with quick sizes" : "",
                machine.get("cores"), machine.get("memory_gib"), machine.get("cpu"), machine.get("jdk"),
                results.get("load_average_at_start"), results.get("load_average_at_end"), results.get("duration_s")));
        md.append("The simulator, the load generators and Fleetgate (its own JVM, with the embedded Kafka broker) share these cores; ")
                .append("a load average above the core count means other work competed for them, so treat the numbers as a floor.\n\n");
        if (results.get("sections_run_last") != null) {
            md.append("That run measured only `").append(results.get("sections_run_last"))
                    .append("`; the other sections' figures are from earlier runs (`<section>_at` in results.json says when).\n\n");
        }
        md.append("| target | goal | measured | status |\n| --- | --- | --- | --- |\n");
        for (Map<String, Object> t : rows(results.get("targets"))) {
            md.append("| ").append(t.get("target")).append(" | ").append(t.get("goal")).append(" | ")
                    .append(t.get("measured")).append(" | **").append(t.get("status")).append("** |\n");
        }
        Map<String, Object> read = map(results.get("read"));
        if (read != null) {
            md.append("\n## Read path: ").append(read.get("request")).append("\n\n");
            Map<String, Object> throughput = map(read.get("throughput"));
            if (throughput != null) {
                md.append(read.get("generator")).append("; nginx: ").append(read.get("nginx"))
                        .append(read.containsKey("fleetgate_warm_up") ? "; Fleetgate warm-up: " + read.get("fleetgate_warm_up") : "").append(".\n\n");
                md.append("| target | concurrency | req/s | p50 ms | p99 ms | p99.9 ms | errors | proxy CPU ms/request |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
                for (var entry : throughput.entrySet()) {
                    for (Map<String, Object> row : rows(entry.getValue())) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f | %s | %s |%n", entry.getKey(), row.get("concurrency"),
                                num(row.get("requests_per_s")), num(row.get("p50_ms")), num(row.get("p99_ms")), num(row.get("p999_ms")), row.get("errors"),
                                row.getOrDefault("proxy_cpu_ms_per_request", "-")));
                    }
                }
                List<Map<String, Object>> fg = rows(throughput.get("fleetgate"));
                List<Map<String, Object>> direct = rows(throughput.get("direct"));
                List<Map<String, Object>> ng = rows(throughput.get("nginx"));
                md.append("\n| concurrency | Fleetgate / nginx req/s | p50 added over direct ms | p99 added over direct ms |\n| --- | --- | --- | --- |\n");
                for (int i = 0; i < fg.size(); i++) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n", fg.get(i).get("concurrency"),
                            i < ng.size() ? String.format(Locale.ROOT, "%.2f", num(fg.get(i).get("requests_per_s")) / num(ng.get(i).get("requests_per_s"))) : "n/a",
                            num(fg.get(i).get("p50_ms")) - num(direct.get(i).get("p50_ms")),
                            num(fg.get(i).get("p99_ms")) - num(direct.get(i).get("p99_ms"))));
                }
                if (!fg.isEmpty() && fg.getFirst().containsKey("cpu_us_per_request_by_thread")) {
                    md.append("\nFleetgate's CPU per request by thread (µs, from /proc; busy event loops: those with a tenth of the loops' CPU or more, 1 when every read stays on the loop it arrived on):\n\n")
                            .append("| concurrency | busy event loops | by thread |\n| --- | --- | --- |\n");
                    for (Map<String, Object> row : fg) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", row.get("concurrency"), row.get("busy_event_loops"),
                                inline(map(row.get("cpu_us_per_request_by_thread")))));
                    }
                }
            } else {
                md.append("Throughput: ").append(read.get("throughput")).append("\n");
            }
            Map<String, Object> fixed = map(read.get("fixed_rate"));
            if (fixed != null) {
                md.append("\n").append(fixed.get("generator")).append(":\n\n| target | p50 ms | p99 ms | p99.9 ms | max ms | errors |\n| --- | --- | --- | --- | --- | --- |\n");
                for (var entry : fixed.entrySet()) {
                    Map<String, Object> row = map(entry.getValue());
                    if (row != null) {
                        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %s |%n", entry.getKey(), num(row.get("p50_ms")),
                                num(row.get("p99_ms")), num(row.get("p999_ms")), num(row.get("max_ms")), row.get("errors")));
                    }
                }
            }
        }
        Map<String, Object> kafka = map(results.get("kafka"));
        if (kafka != null) {
            md.append(String.format(Locale.ROOT, "%n## Kafka command path%n%n%s vehicles, %s, %s s per rate; latency: %s; warm-up: %s.%n%n",
                    kafka.get("vehicles"), kafka.get("command"), kafka.get("seconds_per_rate"), kafka.get("latency"),
                    kafka.getOrDefault("warm_up", "3 s")));
            md.append("| offered/s | achieved/s | p50 ms | p99 ms | max ms | non-200 | unfinished | Fleetgate CPU ms/command |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Map<String, Object> s : rows(kafka.get("steps"))) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %s | %s | %s |%n", s.get("offered_per_s"), num(s.get("achieved_per_s")),
                        num(s.get("p50_ms")), num(s.get("p99_ms")), num(s.get("max_ms")), s.get("non_200"), s.get("unfinished"),
                        s.getOrDefault("fleetgate_cpu_ms_per_command", "-")));
            }
            if (rows(kafka.get("steps")).stream().anyMatch(s -> s.containsKey("kafka_requests_per_command_by_client"))) {
                md.append("\nPer command at each rate: Fleetgate's CPU by thread (µs, from /proc) and the requests its Kafka clients sent (Kafka's `request-total`, by client id; each one the embedded broker answers too):\n\n"
                        + "| offered/s | CPU µs by thread | Kafka requests by client |\n| --- | --- | --- |\n");
                for (Map<String, Object> s : rows(kafka.get("steps"))) {
                    if (s.containsKey("kafka_requests_per_command_by_client")) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", s.get("offered_per_s"),
                                inline(map(s.get("cpu_us_per_command_by_thread"))), inline(map(s.get("kafka_requests_per_command_by_client")))));
                    }
                }
            }
        }
        stormSection(md, map(results.get("storm")));
        streamSection(md, map(results.get("stream")));
        chaosSection(md, map(results.get("chaos")));
        Map<String, Object> startup = map(results.get("startup"));
        if (startup != null) {
            md.append(String.format(Locale.ROOT, "%n## Start-up%n%n`java -jar target/fleetgate.jar`, %s; ready = %s.%n%n| run | ready ms | idle RSS MB | idle CPU %% of a core |%n| --- | --- | --- | --- |%n",
                    startup.get("jvm_options"), startup.get("ready_means")));
            List<?> ready = (List<?>) startup.get("ready_ms");
            List<?> rss = (List<?>) startup.get("idle_rss_mb");
            List<?> cpu = (List<?>) startup.get("idle_cpu_percent_of_a_core");
            for (int i = 0; i < ready.size(); i++) {
                md.append("| ").append(i + 1).append(" | ").append(ready.get(i)).append(" | ").append(rss.get(i))
                        .append(" | ").append(cpu == null ? "" : cpu.get(i)).append(" |\n");
            }
            Map<String, Object> alone = map(startup.get("left_alone"));
            if (alone != null) {
                Map<String, Object> byClient = map(alone.get("kafka_requests_per_s_by_client"));
                StringBuilder clients = new StringBuilder();
                if (byClient != null) {
                    byClient.entrySet().stream().limit(8).forEach(e -> clients.append(clients.isEmpty() ? "" : ", ")
                            .append(e.getKey()).append(' ').append(e.getValue()));
                }
                md.append(String.format(Locale.ROOT, "%nRun 1 left alone, %s s after ready, over %s s: %s ms of CPU a second; its Kafka clients sent %s requests a second (busiest: %s).%n",
                        alone.get("after_ready_s"), alone.get("window_s"), alone.get("cpu_ms_per_s"), alone.get("kafka_requests_per_s"), clients));
            }
            if (startup.containsKey("cached_ready_ms")) {
                md.append("\nThrough the launcher, `bin/fleetgate`, with the ahead-of-time cache its first start wrote (")
                        .append(startup.get("cached_options")).append("): ready after ").append(startup.get("cached_ready_ms")).append(" ms.\n");
            }
            if (startup.containsKey("restart_ready_ms")) {
                md.append("\nStarted again after a SIGTERM, through the launcher with its cache, on the data of the start before (Kafka's log, the usage roll-ups' state), as an operator restarts it: ready after ")
                        .append(startup.get("restart_ready_ms")).append(" ms.\n");
            }
        }
        Map<String, Object> flames = map(results.get("flame_graphs"));
        if (flames != null && !flames.isEmpty()) {
            md.append("\n## Flame graphs (async-profiler, `bench/run --profile`)\n\nEach over the section's measured phase: CPU samples and allocation samples (one per 512 KB).\n\n");
            flames.forEach((section, graphs) -> {
                md.append("- ").append(section).append(":");
                for (Object graph : (List<?>) graphs) {
                    md.append(" [").append(graph).append("](").append(graph).append(")");
                }
                md.append("\n");
            });
        }
        if (!plots.isEmpty()) {
            md.append("\n## Plots\n\n");
            plots.forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n"));
        }
        return md.toString();
    }

    private static void chaosSection(StringBuilder md, Map<String, Object> chaos) {
        if (chaos == null || !chaos.containsKey("accepted")) {
            return;
        }
        md.append(String.format(Locale.ROOT, "%n## Chaos%n%n%s sleeping vehicles (wake delay %s s) × %s commands as Kafka records, and one REST "
                        + "command per vehicle at 5/s to either of %s replicas on an external broker; contract timings.%n%n",
                chaos.get("vehicles"), chaos.get("wake_delay_s"), chaos.get("commands_per_vehicle"), chaos.get("replicas")));
        md.append("| measure | result |\n| --- | --- |\n");
        for (String key : List.of("accepted", "executed_once", "lost", "duplicated", "answered_with_an_error_not_run",
                "results_repeated", "result_statuses", "rest_answers", "rest_refused_503")) {
            md.append("| ").append(key).append(" | ").append(chaos.get(key)).append(" |\n");
        }
        md.append("\n| fault | at ms | vehicles with work pending | their next result after, p50 / max ms |\n| --- | --- | --- | --- |\n");
        for (Map<String, Object> fault : rows(chaos.get("faults"))) {
            md.append("| ").append(fault.get("fault")).append(" | ").append(fault.get("at_ms")).append(" | ")
                    .append(fault.get("vehicles_pending")).append(" | ").append(fault.get("next_result_p50_ms")).append(" / ")
                    .append(fault.get("next_result_max_ms")).append(" |\n");
        }
    }

    private static void streamSection(StringBuilder md, Map<String, Object> stream) {
        if (stream == null || !stream.containsKey("paced")) {
            return;
        }
        md.append(String.format(Locale.ROOT, "%n## Streaming%n%n%s vehicles, one fleet-telemetry record (protobuf, %s fields) per vehicle per second, "
                        + "produced to `tesla_telemetry_V`; %s; latency: %s; warm-up: %s. Load average %s at the start, %s at the end.%n%n",
                stream.get("vehicles"), stream.get("fields_per_record"), stream.get("clients"), stream.get("latency"), stream.get("warm_up"),
                stream.get("load_average_at_start"), stream.get("load_average_at_end")));
        md.append("| measure | result |\n| --- | --- |\n");
        for (String key : List.of("streams_open", "heap_per_connection_kb", "rss_per_connection_kb", "live_heap_mb_before_and_after",
                "paced", "saturation", "streams_ended_by_the_server")) {
            md.append("| ").append(key).append(" | ").append(stream.get(key)).append(" |\n");
        }
    }

    private static void stormSection(StringBuilder md, Map<String, Object> storm) {
        if (storm == null || !storm.containsKey("wall_s")) {
            return;
        }
        String options = storm.get("fleetgate_jvm_options").toString();
        md.append(String.format(Locale.ROOT, "%n## Sleep storm%s%n%n%s sleeping vehicles × %s REST commands, sent at once (at most %s in flight), wake delay %s s, %s. Fleetgate JVM options: %s.%n%n",
                options.isBlank() ? "" : " (" + options + ")",
                storm.get("vehicles"), storm.get("commands_per_vehicle"), storm.get("max_in_flight"), storm.get("wake_delay_s"), storm.get("waits"),
                options.isBlank() ? "none" : options));
        md.append("| measure | result |\n| --- | --- |\n");
        for (String key : List.of("wake_up_calls", "commands_succeeded", "commands_sent", "failures", "wall_s",
                "unfinished_at_deadline", "out_of_memory", "peak_heap_used_mb",
                "peak_heap_committed_mb", "peak_heap_after_any_gc_mb", "gc_collections", "fleetgate_cpu_s", "cpu_us_per_command_by_thread", "live_heap_mb", "in_flight_at_histogram", "peak_rss_mb",
                "peak_platform_threads", "platform_threads_before")) {
            if (!storm.containsKey(key)) {
                continue; // live_heap_mb and in_flight_at_histogram: only with storm.histogram-at-s
            }
            md.append("| ").append(key).append(" | ").append(storm.get(key)).append(" |\n");
        }
        if (storm.get("live_histogram_top") instanceof List<?> top) {
            md.append("\nLive objects at ").append(storm.get("live_histogram_at_s")).append(" s (`jcmd GC.class_histogram`, top entries):\n\n```\n");
            top.stream().skip(1).limit(14).forEach(line -> md.append(line).append('\n'));
            md.append(storm.get("live_histogram_total")).append("\n```\n");
        }
        for (var entry : storm.entrySet()) {
            if (entry.getKey().startsWith("upstream_calls_of_") && entry.getValue() instanceof List<?> calls) {
                md.append("\nWhat reached the simulator for ").append(entry.getKey().substring("upstream_calls_of_".length()))
                        .append(" (seconds from the start of the storm):\n\n```\n");
                calls.forEach(c -> md.append(c).append('\n'));
                md.append("```\n");
            }
        }
    }
}
