//! `--label 'PATH=TEXT'`: the name a plot gives a varied key (`senders[0].count=reps`), on
//! `seqsim sweep`, `merge` and `goal`. Labels only name things in the HTML report (the x
//! axis, the legend, the tables); the CSV and JSON lines keep the key paths.

/// What `--label` looks like, for messages.
const FORM: &str = "PATH=TEXT, PATH a varied key";

/// The `--label` arguments `args` read against the varied key paths `paths`: per path, in
/// order, the text given for it (`None` where none was). A label without `=` or text, for a
/// path that is not varied, or given twice for one path is an error naming `--label` and the
/// allowed paths.
pub fn labels(args: &[String], paths: &[&str]) -> Result<Vec<Option<String>>, String> {
    let allowed = || {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
        format!("allowed: {FORM}: {}", shown.join(", "))
    };
    let mut out: Vec<Option<String>> = vec![None; paths.len()];
    for arg in args {
        let Some((path, text)) = arg.split_once('=') else {
            return Err(format!("--label `{arg}` has no `=`; {}", allowed()));
        };
        let (path, text) = (path.trim(), text.trim());
        if text.is_empty() {
            return Err(format!(
                "--label `{arg}` has no text after `=`; {}",
                allowed()
            ));
        }
        let Some(i) = paths.iter().position(|p| *p == path) else {
            return Err(format!(
                "--label `{arg}`: `{path}` is not a varied key; {}",
                allowed()
            ));
        };
        if out[i].replace(text.to_owned()).is_some() {
            return Err(format!(
                "--label: `{path}` is labelled twice; allowed: one --label a key"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(given: &[&str]) -> Vec<String> {
        given.iter().map(|a| (*a).to_owned()).collect()
    }

    const PATHS: [&str; 2] = ["senders[0].count", "plan.business_days"];

    #[test]
    fn labels_go_to_their_paths_in_axis_order() {
        let got = labels(
            &args(&[
                "plan.business_days = business days",
                "senders[0].count=reps",
            ]),
            &PATHS,
        )
        .unwrap();
        assert_eq!(
            got,
            [Some("reps".to_owned()), Some("business days".to_owned())]
        );
        // Only the first `=` splits: the text may hold one.
        let got = labels(&args(&["senders[0].count=reps (n=40)"]), &PATHS).unwrap();
        assert_eq!(got, [Some("reps (n=40)".to_owned()), None]);
        assert_eq!(labels(&[], &PATHS).unwrap(), [None, None]);
    }

    #[test]
    fn bad_labels_name_the_option_and_the_varied_paths() {
        for (bad, says) in [
            (
                "senders[1].count=reps",
                "`senders[1].count` is not a varied key",
            ),
            ("reps", "has no `=`"),
            ("senders[0].count=", "has no text"),
            ("senders[0].count", "has no `=`"),
        ] {
            let err = labels(&args(&[bad]), &PATHS).unwrap_err();
            assert!(err.starts_with("--label"), "{bad}: {err}");
            assert!(err.contains(says), "{bad}: {err}");
            assert!(
                err.contains("allowed: PATH=TEXT, PATH a varied key: `senders[0].count`, `plan.business_days`"),
                "{bad}: {err}"
            );
        }
        let err = labels(&args(&["senders[0].count=a", "senders[0].count=b"]), &PATHS).unwrap_err();
        assert!(
            err.contains("labelled twice") && err.contains("allowed"),
            "{err}"
        );
    }
}
