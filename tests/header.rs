//! The committed `include/cibatch.h` is exactly what cbindgen generates from `src/ffi`.
//! To update it after changing the C API: `CIBATCH_BLESS=1 cargo test --test header`.

fn version_macros() -> String {
    let v = env!("CARGO_PKG_VERSION");
    let mut parts = v.split('.');
    let mut next = || parts.next().unwrap_or("0").to_string();
    let (major, minor, patch) = (next(), next(), next());
    format!(
        "\n/** The version of this header; compare with cibatch_version() for the library's. */\n\
         #define CIBATCH_VERSION \"{v}\"\n\
         #define CIBATCH_VERSION_MAJOR {major}\n\
         #define CIBATCH_VERSION_MINOR {minor}\n\
         #define CIBATCH_VERSION_PATCH {patch}\n"
    )
}

#[test]
fn committed_header_matches_a_fresh_generation() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(version_macros());
    let mut fresh = Vec::new();
    cbindgen::Builder::new().with_crate(dir).with_config(config).generate().expect("cbindgen runs").write(&mut fresh);
    let fresh = String::from_utf8(fresh).unwrap();
    let path = format!("{dir}/include/cibatch.h");
    if std::env::var_os("CIBATCH_BLESS").is_some() {
        std::fs::create_dir_all(format!("{dir}/include")).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "include/cibatch.h is stale: run `CIBATCH_BLESS=1 cargo test --test header`");
}

/// cbindgen cannot see through the macro that defines `JobField`, so `cibatch_job_field` is written out in
/// `src/ffi/job.rs`; this keeps it the same list, in the same order, as the core's table.
#[test]
fn job_field_numbers_follow_the_core_table() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/cibatch.h")).unwrap();
    let before = &header[..header.find("} cibatch_job_field;").expect("cibatch_job_field in the header")];
    let body = &before[before.rfind("typedef enum {").unwrap()..];
    let in_header: Vec<&str> = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("CIBATCH_JOB_FIELD_"))
        .map(|l| l.trim_end_matches(','))
        .collect();
    let expected: Vec<String> =
        cibatch::JobField::ALL.iter().enumerate().map(|(i, f)| format!("{} = {i}", f.name().to_uppercase())).collect();
    assert_eq!(in_header, expected);
}

/// Every result code the header names has its own name from `cibatch_result_name`; other numbers are unknown.
#[test]
fn every_result_code_has_its_name() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/cibatch.h")).unwrap();
    let before = &header[..header.find("} cibatch_result;").expect("cibatch_result in the header")];
    let body = &before[before.rfind("typedef enum {").unwrap()..];
    let name = |n: i32| unsafe { std::ffi::CStr::from_ptr(cibatch::ffi::cibatch_result_name(n)) }.to_str().unwrap();
    let mut seen = 0;
    for line in body.lines().map(str::trim).filter(|l| l.starts_with("CIBATCH_")) {
        let (code, number) = line.trim_end_matches(',').split_once(" = ").expect("CODE = n");
        assert_eq!(name(number.parse().unwrap()), code);
        seen += 1;
    }
    assert!(seen >= 16, "only {seen} codes read from the header");
    assert_eq!(name(-1), "CIBATCH_UNKNOWN");
    assert_eq!(name(seen), "CIBATCH_UNKNOWN");
}

/// The "Methods:" list on `cibatch_job` names every function that takes a job.
#[test]
fn job_doc_lists_every_job_function() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/cibatch.h")).unwrap();
    let doc_end = header.find("typedef struct cibatch_job cibatch_job;").expect("cibatch_job");
    let doc = &header[header[..doc_end].rfind("/**").unwrap()..doc_end];
    let mut missing = Vec::new();
    for (i, _) in header.match_indices("(const cibatch_job *job") {
        let start = header[..i].rfind(|c: char| c.is_whitespace()).unwrap() + 1;
        let name = header[start..i].trim_start_matches('*');
        if !doc.contains(&format!("`{name}`")) {
            missing.push(name.to_string());
        }
    }
    assert!(missing.is_empty(), "not in cibatch_job's Methods list: {missing:?}");
}
