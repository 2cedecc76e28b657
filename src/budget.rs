//! The memory budget of a run (`--max-memory`): every scenario's estimated peak memory
//! (`sim::resources`) is checked against it before anything is generated, so a scenario that
//! would need more memory than the machine has is refused at once, with the figures and the
//! knob, instead of aborting gigabytes later.

use anyhow::{bail, Result};
use clap::Args;

// The memory budget of the runs.
#[derive(Args, Clone, Debug)]
pub struct BudgetArgs {
    /// Refuse a scenario whose estimated peak memory is over SIZE (bytes, or with a unit: 512MiB,
    /// 2GiB, 3GB); default: half of this machine's memory.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
}

/// The budget when /proc/meminfo cannot be read (not Linux): 4 GiB.
const FALLBACK_BYTES: u64 = 4 << 30;

impl BudgetArgs {
    /// The budget in bytes, and where it comes from, for messages.
    fn budget(&self) -> (u64, String) {
        match self.max_memory {
            Some(bytes) => (bytes, "--max-memory".to_owned()),
            None => match machine_memory() {
                Some(total) => (
                    total / 2,
                    format!(
                        "the default of --max-memory: half of this machine's {}",
                        shown(total)
                    ),
                ),
                None => (FALLBACK_BYTES, "the default of --max-memory".to_owned()),
            },
        }
    }

    /// Refuses `scenario` if `runs` runs of it at once (parallel seeds, a diff's two sides)
    /// would need more memory than the budget.
    pub fn check(&self, scenario: &sim::Scenario, runs: u64) -> Result<sim::resources::Estimate> {
        let estimate = sim::resources::estimate(scenario);
        let needed = estimate.memory_bytes.saturating_mul(runs.max(1));
        let (budget, origin) = self.budget();
        if needed > budget {
            let pop = &scenario.population;
            let at_once = match runs {
                0 | 1 => String::new(),
                n => format!(" for {n} runs at once"),
            };
            bail!(
                "scenario {:?} needs an estimated {} of memory{at_once} ({} of daily counters for {} portals x {} horizon_days, {} for {} contacts and {} planned attempts; about {} events), over the budget of {} ({origin}); allowed: fewer portals, a shorter horizon_days or fewer contacts, or a larger --max-memory SIZE",
                scenario.name,
                shown(needed),
                shown(estimate.daily_counter_bytes),
                pop.portals,
                scenario.calendar.horizon_days,
                shown(estimate.contact_bytes),
                pop.contacts,
                estimate.attempts,
                estimate.events,
                shown(budget),
            );
        }
        Ok(estimate)
    }
}

/// This machine's memory (MemTotal of /proc/meminfo), if it can be read.
fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// `bytes` for people: 1.5 GiB, 300.0 MiB, 12 KiB.
pub fn shown(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ => format!("{value:.1} {}", UNITS[unit]),
    }
}

/// A size: a whole number of bytes, or a number with a unit (B, KB, MB, GB, TB in powers of
/// 1000; KiB, MiB, GiB, TiB in powers of 1024; K, M, G, T as the binary ones).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = (&text[..split], text[split..].trim());
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "unknown unit `{unit}`; allowed: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; allowed: a number and a unit, like 2GiB"))?;
    let bytes = value * factor as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!(
            "`{text}` is out of range; allowed: 1 byte to 16 EiB"
        ));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_decimal_and_binary_units() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("3GB"), Ok(3_000_000_000));
        assert_eq!(parse_size("1.5 MiB"), Ok(3 << 19));
        assert_eq!(parse_size("4096"), Ok(4096));
        for bad in ["", "GiB", "2 parsecs", "0", "-1G", "99999999999TiB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(shown(3 << 29), "1.5 GiB");
        assert_eq!(shown(512), "512 B");
    }
}
