//! Walking a batch job's per-object results (`/workflowexecution` for Workflow batch jobs, one workflow ID after
//! the other; `/jobs` for Job-type ones), and the report built from one walk. Paging follows the listing's rules.

use super::listing::TokenRules;
use super::{Client, Request};
use crate::error::{Error, Operation, Result};
use crate::model::Job;
use crate::results::{
    parse_results_page, sources_of, FailedKeeper, ObjectResult, Report, ReportOptions, ReportProgress, ResultOptions,
    ResultPage, ResultSource,
};
use crate::validate;
use std::collections::{BTreeMap, VecDeque};

/// One source's walk.
#[derive(Debug, Clone)]
struct SourceWalk {
    source: ResultSource,
    token: Option<String>,
    rules: TokenRules,
}

/// The state of a walk over a batch job's object results, apart from the client it uses (as
/// [`crate::PageCursor`]). Walks each source (workflow ID or tag) in turn, page by page.
#[derive(Debug, Clone)]
pub struct ResultCursor {
    job: Job,
    opts: ResultOptions,
    sources: VecDeque<SourceWalk>,
    buffered: VecDeque<ObjectResult>,
    pages: u32,
    done: bool,
}

impl ResultCursor {
    /// A walk over the results of `job` (a described batch job: its type and workflow IDs or tag say where its
    /// results are). Checks the options; sends nothing.
    pub fn new(job: Job, opts: ResultOptions) -> Result<Self> {
        opts.check()?;
        let sources = sources_of(&job)?
            .into_iter()
            .map(|source| SourceWalk { source, token: None, rules: TokenRules::default() })
            .collect();
        Ok(ResultCursor { job, opts, sources, buffered: VecDeque::new(), pages: 0, done: false })
    }

    /// The batch job whose results this walks.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// Pages fetched so far, of every source.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// The next page (of the current source, then the next source's first); `None` after the last page or after an
    /// error. Results buffered for [`ResultCursor::next_result`] are not in it: use one or the other.
    pub fn next_page(&mut self, client: &Client) -> Option<Result<ResultPage>> {
        if self.done {
            return None;
        }
        let Some(walk) = self.sources.front_mut() else {
            self.done = true;
            return None;
        };
        let asked = walk.token.take();
        let mut page = match client.list_results(&self.job.job_id, &walk.source, &self.opts, asked.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.pages += 1;
        let token = page.next_token.take();
        match walk.rules.step(Operation::ListResults, "result", asked, token, page.results.is_empty(), &page.request_id)
        {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(None) => {
                self.sources.pop_front();
                Some(Ok(page))
            }
            Ok(Some(next)) => {
                page.next_token = Some(next.clone());
                walk.token = Some(next);
                Some(Ok(page))
            }
        }
    }

    /// The next result, fetching pages as needed; `None` after the last one or after an error.
    pub fn next_result(&mut self, client: &Client) -> Option<Result<ObjectResult>> {
        loop {
            if let Some(r) = self.buffered.pop_front() {
                return Some(Ok(r));
            }
            match self.next_page(client)? {
                Ok(page) => self.buffered.extend(page.results),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Iterator over a batch job's object results; see [`Client::results`].
pub struct Results<'a> {
    client: &'a Client,
    cursor: ResultCursor,
}

impl Results<'_> {
    /// The batch job, as described when the walk started.
    pub fn job(&self) -> &Job {
        self.cursor.job()
    }

    /// Pages fetched so far.
    pub fn pages_so_far(&self) -> u32 {
        self.cursor.pages_fetched()
    }

    /// The walk's state, apart from the client (for callers that keep the client elsewhere).
    pub fn into_cursor(self) -> ResultCursor {
        self.cursor
    }

    /// The next whole page instead of the next result (do not mix the two on one walk).
    pub fn next_page(&mut self) -> Option<Result<ResultPage>> {
        self.cursor.next_page(self.client)
    }
}

impl Iterator for Results<'_> {
    type Item = Result<ObjectResult>;

    fn next(&mut self) -> Option<Result<ObjectResult>> {
        self.cursor.next_result(self.client)
    }
}

impl Client {
    /// One page of the results of batch job `job_id` from `source` (one of its workflow IDs, or its tag), starting
    /// at `next_token` (the first page when `None` or empty). [`Client::results`] finds the sources itself.
    pub fn list_results(
        &self,
        job_id: &str,
        source: &ResultSource,
        opts: &ResultOptions,
        next_token: Option<&str>,
    ) -> Result<ResultPage> {
        validate::job_id(job_id)?;
        let (path, workflow) = match source {
            ResultSource::Workflow(id) => {
                validate::xml_text("workflow_id", id)?;
                ("/workflowexecution", true)
            }
            ResultSource::Tag(tag) => {
                validate::xml_text("tag", tag)?;
                ("/jobs", false)
            }
        };
        let req = Request {
            op: Operation::ListResults,
            method: "GET",
            path: path.to_string(),
            query: opts.to_query(source, job_id, next_token)?,
            body: None,
            retryable: true,
        };
        let (mut page, _) = self.call(&req, |b| parse_results_page(b, self.xml_limits(), workflow))?;
        page.source = Some(source.clone());
        Ok(page)
    }

    /// Every object result of batch job `job_id`, whatever its type: describes the job, then walks the
    /// executions of each of its workflow IDs in turn (Workflow) or the media jobs of its tag (Job), page by page.
    pub fn results(&self, job_id: &str, opts: &ResultOptions) -> Result<Results<'_>> {
        opts.check()?;
        let job = self.describe_job(job_id)?;
        Ok(Results { client: self, cursor: ResultCursor::new(job, opts.clone())? })
    }

    /// As [`Client::results`], for a batch job already described.
    pub fn results_of(&self, job: Job, opts: &ResultOptions) -> Result<Results<'_>> {
        Ok(Results { client: self, cursor: ResultCursor::new(job, opts.clone())? })
    }

    /// A report over batch job `job_id`: the job, its results counted by state, and the first failed ones, built
    /// by paging once through every result.
    pub fn report(&self, job_id: &str, opts: &ReportOptions) -> Result<Report> {
        self.report_with(job_id, opts, |_| true)
    }

    /// As [`Client::report`], calling `on_page` after every page; returning false stops with
    /// [`Error::Cancelled`].
    pub fn report_with(
        &self,
        job_id: &str,
        opts: &ReportOptions,
        mut on_page: impl FnMut(&ReportProgress) -> bool,
    ) -> Result<Report> {
        let ropts = ResultOptions { size: Some(opts.page_size), ..ResultOptions::default() };
        ropts.check()?;
        let job = self.describe_job(job_id)?;
        let mut cursor = ResultCursor::new(job, ropts)?;
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut keeper = FailedKeeper::new(opts.failed_limit);
        let mut progress = ReportProgress { pages: 0, results: 0, failed: 0 };
        while let Some(page) = cursor.next_page(self) {
            for r in &page?.results {
                *counts.entry(r.state.as_str().to_string()).or_default() += 1;
                progress.results += 1;
                if r.is_failed() {
                    progress.failed += 1;
                    keeper.offer(r);
                }
            }
            progress.pages += 1;
            if !on_page(&progress) {
                return Err(Error::Cancelled {
                    operation: Operation::ListResults,
                    detail: format!(" by the progress callback after {} page(s)", progress.pages),
                });
            }
        }
        Ok(Report {
            job: cursor.job,
            counts,
            total: progress.results,
            failed: keeper.into_vec(),
            pages: progress.pages,
        })
    }
}
