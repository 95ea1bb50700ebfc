//! What the command line prints: an aligned table for people, JSON for scripts (the field names of Python's
//! `Job.to_dict()`), and a progress line on a terminal only.

use crate::args::Format;
use cibatch::{Job, JobField};
use std::io::{IsTerminal, Write};

/// Writes lines to stdout; when the reader has gone (`cibatch list | head -1`), ends the process quietly.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Text from the network or the user on one line, with control characters escaped: nothing printed can forge a
/// line or move the cursor.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A job as a JSON object, every field named as in Python's `Job.to_dict()` (the core's `Serialize`).
pub fn job_json(job: &Job) -> serde_json::Value {
    serde_json::to_value(job).unwrap_or_default()
}

pub struct Printer {
    format: Format,
}

impl Printer {
    pub fn new(format: Format) -> Self {
        Printer { format }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn jobs(&self, jobs: &[Job]) {
        let mut s = self.stream();
        for j in jobs {
            s.push(j.clone());
        }
        s.finish();
    }

    /// A line of information: as is for a table, `{"message": ...}` for JSON.
    pub fn message(&self, text: &str) {
        if self.format.is_table() {
            emit(&one_line(text));
        } else {
            emit(&serde_json::json!({ "message": text }).to_string());
        }
    }

    /// Jobs as they arrive: JSON lines at once; a table or a JSON document at the end.
    pub fn stream(&self) -> Stream {
        Stream { format: self.format, rows: Vec::new() }
    }
}

pub struct Stream {
    format: Format,
    rows: Vec<Job>,
}

const COLUMNS: [(&str, JobField); 6] = [
    ("JOB ID", JobField::JobId),
    ("TYPE", JobField::Type),
    ("STATE", JobField::State),
    ("CREATED", JobField::CreationTime),
    ("NAME", JobField::Name),
    ("MESSAGE", JobField::Message),
];

impl Stream {
    pub fn push(&mut self, job: Job) {
        if self.format == Format::Jsonl {
            emit(&job_json(&job).to_string());
        } else {
            self.rows.push(job);
        }
    }

    pub fn finish(self) {
        match self.format {
            Format::Jsonl => {}
            Format::Json => {
                let all: Vec<serde_json::Value> = self.rows.iter().map(job_json).collect();
                emit(&serde_json::to_string_pretty(&all).unwrap_or_default());
            }
            Format::Table => print_table(&self.rows),
        }
    }
}

fn print_table(jobs: &[Job]) {
    let cells: Vec<Vec<String>> = jobs
        .iter()
        .map(|j| COLUMNS.iter().map(|(_, f)| one_line(&j.field(*f).unwrap_or_else(|| "-".into()))).collect())
        .collect();
    let mut widths: Vec<usize> = COLUMNS.iter().map(|(h, _)| h.len()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let last = row.len() - 1;
        let text: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| if i == last { c.clone() } else { format!("{c:<w$}", w = widths[i]) })
            .collect();
        emit(text.join("  ").trim_end());
    };
    let header: Vec<String> = COLUMNS.iter().map(|(h, _)| h.to_string()).collect();
    line(&header);
    for row in &cells {
        line(row);
    }
}

/// One updating line on stderr while something long runs, when stderr is a terminal; nothing when piped.
pub struct Progress {
    label: &'static str,
    on: bool,
}

impl Progress {
    pub fn new(label: &'static str) -> Self {
        Progress { label, on: std::io::stderr().is_terminal() }
    }

    pub fn update(&self, text: &str) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{}: {}", self.label, one_line(text));
            let _ = err.flush();
        }
    }

    pub fn finish(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}
