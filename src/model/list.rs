//! Listing filters and paging: the query a listing sends.

use super::{JobState, JobType, MAX_FIELD_BYTES};
use crate::error::{Error, Result};
use crate::validate;

/// Sort order of a listing by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Desc,
    Asc,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Desc => "Desc",
            Order::Asc => "Asc",
        }
    }
}

/// Filters and paging of a listing. Only the fields that are set are sent; the service's defaults apply
/// to the rest (`size` 10, `orderByTime` Desc, `states` All).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// `Workflow` or `Job`. When unset, one page ([`crate::Client::list_jobs`]) is sent without `type`, so the
    /// service's undocumented default applies (it may be `Workflow` only); [`crate::Client::jobs`] and
    /// [`crate::Client::pages`] instead list `Workflow` and then `Job` explicitly, so no job is skipped.
    pub job_type: Option<JobType>,
    pub order_by_time: Option<Order>,
    /// Empty means all states.
    pub states: Vec<JobState>,
    /// Page size, 1 to 100.
    pub size: Option<u32>,
    pub next_token: Option<String>,
    /// `2022-02-25T12:00:00+0800`; `Z`, `z` and `+08:00` are read too, and sent as `+hhmm`.
    pub start_creation_time: Option<String>,
    pub end_creation_time: Option<String>,
    pub workflow_id: Option<String>,
    pub job_id: Option<String>,
    pub name: Option<String>,
}

impl ListOptions {
    /// The query parameters to send, checked. Names are camelCase as the service requires.
    pub(crate) fn to_query(&self) -> Result<Vec<(&'static str, String)>> {
        let mut q: Vec<(&'static str, String)> = Vec::new();
        if let Some(t) = &self.job_type {
            q.push(("type", t.as_str().to_string()));
        }
        push_shared_filters(
            &mut q,
            self.order_by_time,
            &self.states,
            self.size,
            [&self.start_creation_time, &self.end_creation_time],
        )?;
        if let Some(t) = self.next_token.as_deref().filter(|t| !t.is_empty()) {
            q.push(("nextToken", t.to_string()));
        }
        for (arg, value, name) in [
            ("workflow_id", &self.workflow_id, "workflowId"),
            ("job_id", &self.job_id, "jobId"),
            ("name", &self.name, "name"),
        ] {
            if let Some(v) = value {
                validate::xml_text(arg, v)?;
                validate::max_len(arg, v, MAX_FIELD_BYTES)?;
                q.push((name, v.clone()));
            }
        }
        Ok(q)
    }
}

/// The filters listing jobs and listing per-object results share, checked: order, states, page size (1 to 100) and
/// the creation-time range (sent in the documented form).
pub(crate) fn push_shared_filters(
    q: &mut Vec<(&'static str, String)>,
    order_by_time: Option<Order>,
    states: &[JobState],
    size: Option<u32>,
    [start, end]: [&Option<String>; 2],
) -> Result<()> {
    if let Some(o) = order_by_time {
        q.push(("orderByTime", o.as_str().to_string()));
    }
    if !states.is_empty() {
        let states: Vec<&str> = states.iter().map(JobState::as_str).collect();
        if states.iter().any(|s| s.is_empty() || s.contains(',')) {
            return Err(Error::invalid("states", "a state is empty or contains ','"));
        }
        q.push(("states", states.join(",")));
    }
    if let Some(size) = size {
        if !(1..=100).contains(&size) {
            return Err(Error::invalid("size", format!("{size} is outside 1..=100")));
        }
        q.push(("size", size.to_string()));
    }
    for (arg, value, name) in
        [("start_creation_time", start, "startCreationTime"), ("end_creation_time", end, "endCreationTime")]
    {
        if let Some(v) = value {
            q.push((name, validate::ci_time(arg, v)?));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query() {
        let opts = ListOptions {
            job_type: Some(JobType::Job),
            states: vec![JobState::Running, JobState::Failed],
            size: Some(5),
            ..Default::default()
        };
        assert_eq!(
            opts.to_query().unwrap(),
            vec![("type", "Job".to_string()), ("states", "Running,Failed".to_string()), ("size", "5".to_string())]
        );
        for size in [0, 101] {
            let o = ListOptions { size: Some(size), ..Default::default() };
            assert!(matches!(o.to_query(), Err(Error::InvalidInput { argument: "size", .. })));
        }
        let o = ListOptions { start_creation_time: Some("2022-02-25 12:00".into()), ..Default::default() };
        assert!(matches!(o.to_query(), Err(Error::InvalidInput { argument: "start_creation_time", .. })));
    }
}
