//! Prometheus' text exposition format (version 0.0.4), written by hand: `# HELP` and
//! `# TYPE` once per family, then one `name{label="value"} number` line per sample.

use std::fmt::Write;

/// The `Content-Type` of a scrape answer.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Upper bounds (seconds) of the request latency buckets: Prometheus' client defaults.
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// Observations of one series, in fixed buckets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Observations per bucket of [`LATENCY_BUCKETS`] (not cumulative); the last slot
    /// holds those above the largest bound.
    counts: [u64; LATENCY_BUCKETS.len() + 1],
    sum: f64,
}

impl Histogram {
    pub fn observe(&mut self, seconds: f64) {
        let slot = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.counts[slot] += 1;
        self.sum += seconds;
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// A scrape answer being written.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// Starts a family: its help text and type. Samples of it follow.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {}", kind.as_str());
    }

    /// One sample of the family last started.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.text.push_str(name);
        write_labels(&mut self.text, labels);
        let _ = writeln!(self.text, " {}", number(value));
    }

    /// The `_bucket`, `_sum` and `_count` samples of a histogram series.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], histogram: &Histogram) {
        let mut cumulative = 0;
        let bucket = format!("{name}_bucket");
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += histogram.counts[i];
            let le = number(*bound);
            let mut with_le = labels.to_vec();
            with_le.push(("le", &le));
            self.sample(&bucket, &with_le, cumulative as f64);
        }
        let mut with_inf = labels.to_vec();
        with_inf.push(("le", "+Inf"));
        self.sample(&bucket, &with_inf, histogram.count() as f64);
        self.sample(&format!("{name}_sum"), labels, histogram.sum);
        self.sample(&format!("{name}_count"), labels, histogram.count() as f64);
    }

    pub fn finish(self) -> String {
        self.text
    }
}

fn write_labels(out: &mut String, labels: &[(&str, &str)]) {
    if labels.is_empty() {
        return;
    }
    out.push('{');
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(name);
        out.push_str("=\"");
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('}');
}

/// A sample value as Prometheus reads it: whole numbers without a fraction.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_has_help_type_and_escaped_labels() {
        let mut out = Exposition::new();
        out.family(
            "bazaar_orders",
            Kind::Gauge,
            "Orders by status.\nAll of them.",
        );
        out.sample("bazaar_orders", &[("status", "paid")], 3.0);
        out.sample("bazaar_orders", &[("status", "a \"b\"\\c\nd")], 0.5);
        out.sample("bazaar_up", &[], 1.0);
        assert_eq!(
            out.finish(),
            "# HELP bazaar_orders Orders by status.\\nAll of them.\n\
             # TYPE bazaar_orders gauge\n\
             bazaar_orders{status=\"paid\"} 3\n\
             bazaar_orders{status=\"a \\\"b\\\"\\\\c\\nd\"} 0.5\n\
             bazaar_up 1\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_in_inf() {
        let mut histogram = Histogram::default();
        for seconds in [0.001, 0.005, 0.2, 30.0] {
            histogram.observe(seconds);
        }
        let mut out = Exposition::new();
        out.family("t_seconds", Kind::Histogram, "Latency.");
        out.histogram("t_seconds", &[("route", "/")], &histogram);
        let text = out.finish();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "t_seconds_bucket{route=\"/\",le=\"0.005\"} 2");
        assert_eq!(lines[3], "t_seconds_bucket{route=\"/\",le=\"0.01\"} 2");
        assert_eq!(lines[7], "t_seconds_bucket{route=\"/\",le=\"0.25\"} 3");
        assert_eq!(lines[12], "t_seconds_bucket{route=\"/\",le=\"10\"} 3");
        assert_eq!(lines[13], "t_seconds_bucket{route=\"/\",le=\"+Inf\"} 4");
        assert_eq!(lines[14], "t_seconds_sum{route=\"/\"} 30.206");
        assert_eq!(lines[15], "t_seconds_count{route=\"/\"} 4");
        assert_eq!(lines.len(), 16);
    }
}
