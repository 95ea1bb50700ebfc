//! Walking a listing: page by page (one type's pages after the other when no type is named) and job by job (both
//! types merged in creation order when no type is named), with the paging rules the service's documents leave open.

use super::{Client, Request, JOBS_PATH};
use crate::error::{Error, Operation, Result};
use crate::model::{Job, JobPage, JobType, ListOptions, Order};
use crate::response::{parse_jobs_response, Expected};
use std::collections::{HashSet, VecDeque};

/// After this many pages in a row that bring no job but a new `NextToken`, a walk stops with an error.
pub const MAX_EMPTY_PAGES: u32 = 20;

/// The largest page the service returns (`size` is 1..=100).
const MAX_PAGE_JOBS: usize = 100;

impl Client {
    /// One page of jobs. Pass the previous page's `next_token` in `opts.next_token` for the next one,
    /// or use [`Client::pages`] / [`Client::jobs`]. Without `opts.job_type` no `type` is sent, so the service's
    /// undocumented default applies (it may list `Workflow` jobs only); `pages` and `jobs` cover both types.
    pub fn list_jobs(&self, opts: &ListOptions) -> Result<JobPage> {
        let query = opts.to_query()?;
        let req = Request {
            op: Operation::ListJobs,
            method: "GET",
            path: JOBS_PATH.to_string(),
            query,
            body: None,
            retryable: true,
        };
        // A page holds at most 100 jobs (`size` is 1..=100).
        let expected = Expected { jobs: MAX_PAGE_JOBS, missing: MAX_PAGE_JOBS };
        let (resp, _) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        Ok(JobPage {
            jobs: resp.jobs,
            next_token: resp.next_token,
            request_id: resp.request_id,
            job_type: opts.job_type.clone(),
        })
    }

    /// Every page of a listing, starting at `opts.next_token`. Without a type (and without a token), every
    /// `Workflow` page and then every `Job` page; [`JobPage::job_type`] says which. See [`PageCursor::next_page`]
    /// for how a walk ends.
    pub fn pages(&self, opts: ListOptions) -> Pages<'_> {
        Pages { client: self, cursor: PageCursor::new(opts) }
    }

    /// Every job of a listing, across pages. Without a type (and without a token), `Workflow` and `Job` jobs
    /// merged by (`CreationTime`, `JobId`) in the requested order, so no job is skipped whatever the service's
    /// default `type` is.
    pub fn jobs(&self, opts: ListOptions) -> Jobs<'_> {
        Jobs { client: self, cursor: JobCursor::new(opts, false) }
    }
}

/// One type's listing (or the untyped one), page by page.
#[derive(Debug, Clone)]
struct Stream {
    opts: ListOptions,
    rules: TokenRules,
    done: bool,
}

impl Stream {
    fn new(opts: ListOptions) -> Stream {
        Stream { opts, rules: TokenRules::default(), done: false }
    }

    /// The next page, `None` after the last. Ends as [`TokenRules::step`] says.
    fn next_page(&mut self, client: &Client) -> Option<Result<JobPage>> {
        if self.done {
            return None;
        }
        let mut page = match client.list_jobs(&self.opts) {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let asked = self.opts.next_token.take();
        match self.rules.step(
            Operation::ListJobs,
            "job",
            asked,
            page.next_token.take(),
            page.jobs.is_empty(),
            &page.request_id,
        ) {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(None) => {
                self.done = true;
                Some(Ok(page))
            }
            Ok(Some(token)) => {
                page.next_token = Some(token.clone());
                self.opts.next_token = Some(token);
                Some(Ok(page))
            }
        }
    }
}

/// The paging rules every walk follows (listings and per-object results alike), where the service's documents
/// leave them open: an empty or absent `NextToken` ends the walk, and so does one that repeats the token the page was
/// asked with; a token an earlier page gave is a loop (an error), and so are [`MAX_EMPTY_PAGES`] pages in a row that
/// bring no item but a new token.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenRules {
    seen: HashSet<String>,
    empty_in_a_row: u32,
}

impl TokenRules {
    /// After a page asked with `asked` answered `token` (`empty`: it held no item): `Ok(None)` when the walk ends
    /// with this page, `Ok(Some(next))` for the token of the next page, or the error that ends the walk.
    pub(crate) fn step(
        &mut self,
        operation: Operation,
        noun: &str,
        asked: Option<String>,
        token: Option<String>,
        empty: bool,
        request_id: &str,
    ) -> Result<Option<String>> {
        let asked = asked.filter(|t| !t.is_empty());
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if asked.as_deref() == Some(token.as_str()) {
            // The service says "last page" by repeating the token: nothing follows.
            return Ok(None);
        }
        if let Some(a) = asked {
            self.seen.insert(a);
        }
        let fail = |reason: String| Error::InvalidResponse {
            operation,
            status: 200,
            reason,
            excerpt: String::new(),
            request_id: request_id.to_string(),
            attempts: 1,
        };
        if self.seen.contains(&token) {
            return Err(fail(format!(
                "NextToken {token:?} was already returned by an earlier page; stopping instead of looping"
            )));
        }
        if empty {
            self.empty_in_a_row += 1;
            if self.empty_in_a_row >= MAX_EMPTY_PAGES {
                return Err(fail(format!(
                    "{MAX_EMPTY_PAGES} pages in a row held no {noun} but a new NextToken (last {token:?}); stopping \
                     instead of paging on"
                )));
            }
        } else {
            self.empty_in_a_row = 0;
        }
        Ok(Some(token))
    }
}

/// The streams a walk covers: the named type; or, when no type is named, `Workflow` then `Job` (whatever the
/// service's undocumented default); or, when no type but a `next_token` is given, the untyped listing that token
/// continues (as [`Client::list_jobs`] sends it).
fn streams_for(opts: ListOptions) -> Vec<Stream> {
    if opts.job_type.is_some() || opts.next_token.as_deref().is_some_and(|t| !t.is_empty()) {
        return vec![Stream::new(opts)];
    }
    [JobType::Workflow, JobType::Job]
        .into_iter()
        .map(|t| Stream::new(ListOptions { job_type: Some(t), ..opts.clone() }))
        .collect()
}

/// The state of a walk over the pages of a listing, apart from the client it uses, so that a caller can keep it
/// anywhere (the C ABI's pager holds one next to a shared client). [`Pages`] is the iterator over it.
///
/// Without a type, it walks every `Workflow` page and then every `Job` page; each page's
/// [`JobPage::job_type`] says which. The last page of each type has no `next_token`.
#[derive(Debug, Clone)]
pub struct PageCursor {
    streams: VecDeque<Stream>,
    pages: u32,
}

impl PageCursor {
    /// Starts at `opts.next_token` (the first page when unset).
    pub fn new(opts: ListOptions) -> Self {
        PageCursor { streams: streams_for(opts).into(), pages: 0 }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// Fetches the next page; `None` after the last page or after an error. The walk ends cleanly on an empty or
    /// absent `NextToken` and on a page that repeats the token it was asked with; a `NextToken` that an earlier
    /// page returned is an error (the walk would loop forever), and so are [`MAX_EMPTY_PAGES`] pages in a row
    /// without jobs.
    pub fn next_page(&mut self, client: &Client) -> Option<Result<JobPage>> {
        loop {
            let stream = self.streams.front_mut()?;
            match stream.next_page(client) {
                None => {
                    self.streams.pop_front();
                }
                Some(Err(e)) => {
                    self.streams.clear();
                    return Some(Err(e));
                }
                Some(Ok(page)) => {
                    self.pages += 1;
                    return Some(Ok(page));
                }
            }
        }
    }
}

/// Iterator over the pages of a listing; see [`Client::pages`].
pub struct Pages<'a> {
    pub(super) client: &'a Client,
    pub(super) cursor: PageCursor,
}

impl Pages<'_> {
    /// Pages fetched so far.
    pub fn count_so_far(&self) -> u32 {
        self.cursor.pages_fetched()
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<JobPage>;

    fn next(&mut self) -> Option<Result<JobPage>> {
        self.cursor.next_page(self.client)
    }
}

/// One stream of a merged walk and the jobs of its pages not yet handed out.
#[derive(Debug, Clone)]
struct Source {
    stream: Stream,
    buffered: VecDeque<Job>,
}

/// The state of a walk over every job of a listing, apart from the client (as [`PageCursor`]). Without a type it
/// lists `Workflow` and `Job` side by side and merges them by (`CreationTime`, `JobId`) in the requested order
/// (`Desc` by default), fetching a page of a type only when its jobs are needed.
#[derive(Debug, Clone)]
pub struct JobCursor {
    sources: Vec<Source>,
    descending: bool,
    pages: u32,
    failed: bool,
    /// Fetched pages kept for [`JobCursor::take_page`], when asked for.
    keep_pages: bool,
    kept: VecDeque<JobPage>,
}

/// The merge key: creation time (Unix seconds; unreadable times sort as the oldest) and ID.
fn key(job: &Job) -> (i64, &str) {
    let t = job.creation_time.as_deref().and_then(crate::timefmt::parse_ci).unwrap_or(i64::MIN);
    (t, job.job_id.as_str())
}

impl JobCursor {
    /// Starts at `opts.next_token` (the first page when unset). With `keep_pages`, every fetched page is also kept
    /// for [`JobCursor::take_page`] (for progress reports).
    pub fn new(opts: ListOptions, keep_pages: bool) -> Self {
        let descending = opts.order_by_time != Some(Order::Asc);
        let sources =
            streams_for(opts).into_iter().map(|stream| Source { stream, buffered: VecDeque::new() }).collect();
        JobCursor { sources, descending, pages: 0, failed: false, keep_pages, kept: VecDeque::new() }
    }

    /// Pages fetched so far, of every type.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// The oldest fetched page not yet taken (only kept when the cursor was made with `keep_pages`).
    pub fn take_page(&mut self) -> Option<JobPage> {
        self.kept.pop_front()
    }

    /// The next job; `None` after the last one or after an error.
    pub fn next_job(&mut self, client: &Client) -> Option<Result<Job>> {
        if self.failed {
            return None;
        }
        for source in &mut self.sources {
            while source.buffered.is_empty() {
                match source.stream.next_page(client) {
                    None => break,
                    Some(Err(e)) => {
                        self.failed = true;
                        return Some(Err(e));
                    }
                    Some(Ok(page)) => {
                        self.pages += 1;
                        if self.keep_pages {
                            self.kept.push_back(page.clone());
                        }
                        source.buffered.extend(page.jobs);
                    }
                }
            }
        }
        let descending = self.descending;
        let pick = self
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.buffered.front().map(|j| (i, j)))
            .reduce(|a, b| {
                let b_first = if descending { key(b.1) > key(a.1) } else { key(b.1) < key(a.1) };
                if b_first {
                    b
                } else {
                    a
                }
            })
            .map(|(i, _)| i)?;
        self.sources[pick].buffered.pop_front().map(Ok)
    }
}

/// Iterator over every job of a listing; see [`Client::jobs`].
pub struct Jobs<'a> {
    pub(super) client: &'a Client,
    pub(super) cursor: JobCursor,
}

impl Jobs<'_> {
    /// Pages fetched so far, of every type.
    pub fn pages_so_far(&self) -> u32 {
        self.cursor.pages_fetched()
    }
}

impl Iterator for Jobs<'_> {
    type Item = Result<Job>;

    fn next(&mut self) -> Option<Result<Job>> {
        self.cursor.next_job(self.client)
    }
}
