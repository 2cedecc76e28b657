//! `--vary PATH=LIST|A..B:STEP`: one axis of a sweep's grid, its values as TOML values that
//! `--set` would put at PATH.

use scenarios::{parse_path, parse_value, value_text, Segment, Setting};

/// Most values one axis may take: far above any useful plot, and a bound on the expansion.
pub const MAX_VALUES: usize = 10_000;

/// What `--vary` looks like, for messages.
const FORM: &str = "PATH=V1,V2,... (TOML values) or PATH=A..B:STEP (numbers, A <= B, STEP > 0; STEP may be left out for whole numbers: 1)";

/// One varied key and the values it takes, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The key path as written (`senders[0].count`).
    pub path: String,
    /// Its steps.
    pub segments: Vec<Segment>,
    /// The values, in the order given (a range: from A up).
    pub values: Vec<toml::Value>,
}

impl Axis {
    /// `--vary`'s argument read, or what is wrong with it and what is allowed.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let Some((path, spec)) = arg.split_once('=') else {
            return Err(format!("--vary `{arg}` has no `=`; allowed: {FORM}"));
        };
        let path = path.trim();
        let segments = parse_path(path).map_err(|e| format!("--vary {e}"))?;
        let spec = spec.trim();
        let values = match spec.split_once("..") {
            Some((lo, rest)) if !spec.starts_with(['"', '[']) => {
                range(lo, rest).map_err(|e| format!("--vary `{arg}`: {e}; allowed: {FORM}"))?
            }
            _ => list(spec).map_err(|e| format!("--vary `{arg}`: {e}; allowed: {FORM}"))?,
        };
        Ok(Self {
            path: path.to_owned(),
            segments,
            values,
        })
    }

    /// The `--set` that puts value `i` at the path.
    pub fn setting(&self, i: usize) -> Setting {
        Setting::new(&self.path, self.segments.clone(), self.values[i].clone())
    }

    /// The values as tables and plots show them (`48`, `0.5`, `professional`).
    pub fn labels(&self) -> Vec<String> {
        self.values.iter().map(value_text).collect()
    }
}

/// `A..B` or `A..B:STEP`, `rest` being what follows `..`.
fn range(lo: &str, rest: &str) -> Result<Vec<toml::Value>, String> {
    let (hi, step) = match rest.split_once(':') {
        Some((hi, step)) => (hi, Some(step)),
        None => (rest, None),
    };
    let ints = (
        lo.parse::<i64>(),
        hi.parse::<i64>(),
        step.map(str::parse::<i64>),
    );
    if let (Ok(a), Ok(b), None | Some(Ok(_))) = ints {
        let step = step.map_or(Ok(1), str::parse::<i64>).expect("parsed above");
        return int_range(a, b, step);
    }
    let number = |t: &str| {
        (t.parse::<f64>().ok().filter(|v| v.is_finite()))
            .ok_or_else(|| format!("`{t}` is not a number"))
    };
    let (a, b) = (number(lo)?, number(hi)?);
    let Some(step_text) = step else {
        return Err("a range of decimals needs a STEP".to_owned());
    };
    let s = number(step_text)?;
    if a > b {
        return Err(format!("{lo}..{hi} is empty: {lo} > {hi}"));
    }
    if s <= 0.0 {
        return Err(format!("STEP {step_text} is not positive"));
    }
    // Values are A + k STEP, rounded to the decimals written, so 0.1..0.3:0.1 gives 0.3,
    // not 0.30000000000000004; the tolerance keeps B itself despite rounding.
    let decimals = [lo, hi, step_text]
        .map(decimals)
        .into_iter()
        .max()
        .unwrap_or(0);
    let count = ((b - a) / s + 1e-9).floor() as usize + 1;
    if count > MAX_VALUES {
        return Err(format!("{count} values; at most {MAX_VALUES} an axis"));
    }
    let scale = 10f64.powi(decimals as i32);
    Ok((0..count)
        .map(|k| toml::Value::Float(((a + k as f64 * s) * scale).round() / scale))
        .collect())
}

/// Digits after the decimal point of a number as written.
fn decimals(text: &str) -> usize {
    text.split_once('.').map_or(0, |(_, d)| d.len())
}

/// Whole numbers from `a` to `b` by `step`.
pub fn int_range(a: i64, b: i64, step: i64) -> Result<Vec<toml::Value>, String> {
    if a > b {
        return Err(format!("{a}..{b} is empty: {a} > {b}"));
    }
    if step <= 0 {
        return Err(format!("STEP {step} is not positive"));
    }
    let count = (b - a) / step + 1;
    if count > MAX_VALUES as i64 {
        return Err(format!("{count} values; at most {MAX_VALUES} an axis"));
    }
    Ok((0..count)
        .map(|k| toml::Value::Integer(a + k * step))
        .collect())
}

/// Comma-separated TOML values; commas inside brackets or quotes belong to a value.
fn list(spec: &str) -> Result<Vec<toml::Value>, String> {
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in spec.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&spec[start..]);
    if items.iter().any(|i| i.trim().is_empty()) {
        return Err("an empty value in the list".to_owned());
    }
    if items.len() > MAX_VALUES {
        return Err(format!(
            "{} values; at most {MAX_VALUES} an axis",
            items.len()
        ));
    }
    Ok(items.iter().map(|i| parse_value(i.trim())).collect())
}

/// `--vary PATH=A..B` for `seqsim goal`: the path and the whole numbers A and B.
pub fn goal_range(arg: &str) -> Result<(String, Vec<Segment>, i64, i64), String> {
    const GOAL_FORM: &str = "PATH=A..B with A <= B whole numbers, as in senders[0].count=30..80";
    let Some((path, spec)) = arg.split_once('=') else {
        return Err(format!("--vary `{arg}` has no `=`; allowed: {GOAL_FORM}"));
    };
    let segments = parse_path(path.trim()).map_err(|e| format!("--vary {e}"))?;
    let bounds = (spec.trim().split_once(".."))
        .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)));
    match bounds {
        Some((a, b)) if a <= b => Ok((path.trim().to_owned(), segments, a, b)),
        Some((a, b)) => Err(format!(
            "--vary `{arg}`: {a}..{b} is empty ({a} > {b}); allowed: {GOAL_FORM}"
        )),
        None => Err(format!(
            "--vary `{arg}` is not a range of whole numbers; allowed: {GOAL_FORM}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: &str) -> Vec<String> {
        Axis::parse(arg).unwrap().labels()
    }

    #[test]
    fn ranges_and_lists_expand_by_hand() {
        assert_eq!(values("a=40..50:5"), ["40", "45", "50"]);
        assert_eq!(values("a=1..3"), ["1", "2", "3"]);
        assert_eq!(values("a=40..52:5"), ["40", "45", "50"]);
        assert_eq!(values("a=0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(values("a=0..1:0.25"), ["0.0", "0.25", "0.5", "0.75", "1.0"]);
        assert_eq!(values("a=7"), ["7"]);
        assert_eq!(
            values("s=starter,professional"),
            ["starter", "professional"]
        );
        assert_eq!(values("h=[8, 18],[9, 17]"), ["[8, 18]", "[9, 17]"]);
        let axis = Axis::parse("senders[0].count=1,2").unwrap();
        assert_eq!(axis.setting(1).to_string(), "senders[0].count=2");
    }

    #[test]
    fn bad_axes_name_the_argument_and_what_is_allowed() {
        for (arg, says) in [
            ("a=5..1", "5..1 is empty"),
            ("a=1..5:0", "STEP 0 is not positive"),
            ("a=1..5:-1", "STEP -1 is not positive"),
            ("a=0.5..0.1:0.1", "is empty"),
            ("a=0.1..0.5", "needs a STEP"),
            ("a=x..5", "`x` is not a number"),
            ("a=1,,2", "empty value"),
            ("a", "no `=`"),
            ("a..b=1", "not a key path"),
            ("a=0..100000", "at most 10000"),
        ] {
            let err = Axis::parse(arg).unwrap_err();
            assert!(
                err.contains(says) && err.contains("allowed"),
                "{arg}: {err}"
            );
            assert!(err.contains("--vary"), "{arg}: {err}");
        }
    }

    #[test]
    fn goal_ranges_are_whole_numbers() {
        let (path, _, a, b) = goal_range("senders[0].count=30..80").unwrap();
        assert_eq!((path.as_str(), a, b), ("senders[0].count", 30, 80));
        assert!(goal_range("a=3..1").unwrap_err().contains("is empty"));
        assert!(goal_range("a=1..x").unwrap_err().contains("not a range"));
        assert!(goal_range("a=0.5..2").unwrap_err().contains("allowed"));
    }
}
