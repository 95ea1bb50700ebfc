//! `cibatch results` and `cibatch report`: what happened to each object of a batch job.

use crate::args::{Format, OrderArg};
use crate::output::{emit, one_line, Progress};
use cibatch::{Client, Error, JobState, ObjectResult, Order, Report, ReportOptions, ResultOptions};
use clap::Args;

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The batch job's ID.
    pub id: String,
    /// States to include (repeat, or separate with commas), e.g. --state Failed.
    #[arg(long = "state", value_delimiter = ',')]
    pub states: Vec<String>,
    /// Only the result of this input object key.
    #[arg(long)]
    pub object: Option<String>,
    /// Created at or after, e.g. 2022-02-25T12:00:00+0800 (also Z or +08:00).
    #[arg(long)]
    pub since: Option<String>,
    /// Created at or before.
    #[arg(long)]
    pub until: Option<String>,
    /// By creation time: desc (newest first, the service's default) or asc.
    #[arg(long, value_enum)]
    pub order: Option<OrderArg>,
    /// Page size, 1 to 100 (every page is fetched).
    #[arg(long)]
    pub size: Option<u32>,
    /// Stop after N results.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The batch job's ID.
    pub id: String,
    /// How many failed objects to list (the first in creation order).
    #[arg(long, default_value_t = 100)]
    pub failed: usize,
}

/// A result as a JSON object, named as Python's `ObjectResult.to_dict()`.
fn result_json(r: &ObjectResult) -> serde_json::Value {
    serde_json::json!({
        "object": r.object, "state": r.state.as_str(), "code": r.code, "message": r.message, "unit_id": r.unit_id,
        "workflow_id": r.workflow_id, "tag": r.tag, "creation_time": r.creation_time, "start_time": r.start_time,
        "end_time": r.end_time, "progress": r.progress, "raw_xml": r.raw_xml,
    })
}

fn row(r: &ObjectResult) -> [String; 6] {
    let dash = |s: &str| if s.is_empty() { "-".to_string() } else { one_line(s) };
    let source = r.workflow_id.as_deref().or(r.tag.as_deref()).unwrap_or("");
    [dash(&r.object), dash(r.state.as_str()), dash(&r.unit_id), dash(source), dash(&r.code), dash(&r.message)]
}

fn table(rows: &[[String; 6]]) {
    let header = ["OBJECT", "STATE", "UNIT", "SOURCE", "CODE", "MESSAGE"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    for r in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = r.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        emit(cells.join("  ").trim_end());
    }
}

pub fn results(client: &Client, a: &ResultsArgs, format: Format) -> Result<u8, Error> {
    let opts = ResultOptions {
        states: a.states.iter().filter(|s| !s.is_empty()).map(|s| JobState::parse(s)).collect(),
        object: a.object.clone(),
        start_creation_time: a.since.clone(),
        end_creation_time: a.until.clone(),
        order_by_time: a.order.map(|o| match o {
            OrderArg::Desc => Order::Desc,
            OrderArg::Asc => Order::Asc,
        }),
        size: a.size,
    };
    let progress = Progress::new("results");
    let mut walk = client.results(&a.id, &opts)?;
    let (mut rows, mut docs) = (Vec::new(), Vec::new());
    let mut taken = 0usize;
    while a.limit.is_none_or(|limit| taken < limit) {
        let Some(r) = walk.next() else { break };
        let r = r?;
        taken += 1;
        progress.update(&format!("{} page(s), {taken} result(s)", walk.pages_so_far()));
        match format {
            Format::Jsonl => emit(&result_json(&r).to_string()),
            Format::Json => docs.push(result_json(&r)),
            Format::Table => rows.push(row(&r)),
        }
    }
    progress.finish();
    match format {
        Format::Jsonl => {}
        Format::Json => emit(&serde_json::to_string_pretty(&docs).unwrap_or_default()),
        Format::Table => table(&rows),
    }
    Ok(0)
}

fn report_json(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "job_id": r.job.job_id, "type": r.job.job_type.as_str(), "state": r.job.state.as_str(),
        "outcome": r.outcome().as_str(), "total": r.total, "counts": r.counts, "pages": r.pages,
        "failed": r.failed.iter().map(result_json).collect::<Vec<_>>(),
    })
}

pub fn report(client: &Client, a: &ReportArgs, format: Format) -> Result<u8, Error> {
    let progress = Progress::new("report");
    let opts = ReportOptions { failed_limit: a.failed, ..ReportOptions::default() };
    let report = client.report_with(&a.id, &opts, |p| {
        progress.update(&format!("{} page(s), {} result(s), {} failed", p.pages, p.results, p.failed));
        true
    });
    progress.finish();
    let report = report?;
    match format {
        Format::Json | Format::Jsonl => emit(&report_json(&report).to_string()),
        Format::Table => {
            emit(&format!(
                "{} ({} job, {}): {}, {} result(s)",
                report.job.job_id,
                one_line(report.job.job_type.as_str()),
                one_line(report.job.state.as_str()),
                report.outcome(),
                report.total
            ));
            for (state, n) in &report.counts {
                emit(&format!("  {}: {n}", one_line(state)));
            }
            if !report.failed.is_empty() {
                emit(&format!("First {} failed:", report.failed.len()));
                table(&report.failed.iter().map(row).collect::<Vec<_>>());
            }
        }
    }
    Ok(0)
}
