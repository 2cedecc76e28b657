//! Every report validates against the JSON Schema in docs/report.schema.json: the library's
//! scenarios, a summary, and a run under a rule file with guards.

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("docs/report.schema.json").unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn report_json(scenario: &sim::Scenario) -> reports::Report {
    let result = sim::run(scenario);
    reports::Report::new(scenario, &result)
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, report: &reports::Report) {
    let json: serde_json::Value =
        serde_json::from_str(&report.render(reports::Format::Json)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_report_validates_against_the_schema() {
    let validator = validator();
    let mut checked = 0;
    for entry in std::fs::read_dir("scenarios/library").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "toml") || name.starts_with("scale-") {
            continue; // scale-1m is pinned by its snapshot; here it would only cost time
        }
        let scenario = scenarios::load(&path).unwrap();
        assert_valid(&validator, &name, &report_json(&scenario));
        checked += 1;
    }
    assert!(checked >= 10, "{checked} scenarios");
    let mut guarded = scenarios::load(Path::new("scenarios/library/purchased-list.toml")).unwrap();
    scenarios::load_rules(Path::new("rules/list-hygiene.toml"))
        .unwrap()
        .apply(&mut guarded);
    assert_valid(&validator, "guards", &report_json(&guarded));
    let summary = report_json(&scenarios::default_scenario()).summary();
    assert_valid(&validator, "summary", &summary);
}

#[test]
fn the_schema_refuses_what_a_report_never_holds() {
    let validator = validator();
    let report = report_json(&scenarios::default_scenario()).summary();
    let good: serde_json::Value =
        serde_json::from_str(&report.render(reports::Format::Json)).unwrap();
    let mut bad = good.clone();
    bad["enrollment"]["BOUNCED"] = serde_json::json!(-1);
    assert!(!validator.is_valid(&bad), "a negative count");
    let mut bad = good.clone();
    bad["surprise"] = serde_json::json!(1);
    assert!(!validator.is_valid(&bad), "an unknown key");
    let mut bad = good.clone();
    bad["provenance"]["schema_version"] = serde_json::json!(2);
    assert!(!validator.is_valid(&bad), "another schema version");
    let mut bad = good.clone();
    bad["limits"]["by_weekday"][0]["weekday"] = serde_json::json!("Monday");
    assert!(!validator.is_valid(&bad), "a weekday misspelt");
    let mut bad = good.clone();
    bad["limits"]["peak_sent_24h"]["p95"] = serde_json::json!(0.5);
    assert!(!validator.is_valid(&bad), "a fractional usage");
    let mut bad = good;
    bad.as_object_mut().unwrap().remove("limits");
    assert!(
        !validator.is_valid(&bad),
        "a report without its limits section"
    );
}
