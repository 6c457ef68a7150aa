//! Shared by the benchmarks: ratios of criterion's mean times, measured in the same run.

/// Prints `measured / baseline` of the mean times criterion saved for `group` in this run.
pub fn print_ratios(group: &str, pairs: &[(&str, &str)]) {
    let mean = |name: &str| -> Option<f64> {
        let path = format!("target/criterion/{group}/{name}/new/estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        value["mean"]["point_estimate"].as_f64()
    };
    for (measured, baseline) in pairs {
        if let (Some(m), Some(b)) = (mean(measured), mean(baseline)) {
            println!("ratio {group}: {measured} / {baseline} = {:.4} ({:.3} ms / {:.3} ms)", m / b, m / 1e6, b / 1e6);
        }
    }
}
