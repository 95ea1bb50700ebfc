//! # cibatch
//!
//! A client for Tencent Cloud Cloud Infinite **batch data-processing jobs** (inventory trigger jobs):
//! create (Workflow and Job types), describe one or several, list with filters and paging, cancel, and
//! wait for a job to finish; plus the COS request signer on its own and, with the `emulator` feature
//! (on by default), a local emulator of the service for demos and tests.
//!
//! ```no_run
//! use cibatch::{Client, Config, Credentials, Input, WorkflowJobRequest, WaitOptions};
//! let client = Client::new(Config::new("examplebucket-1250000000", "ap-beijing",
//!     Credentials::new("AKID...", "secret")))?;
//! let job = client.create_workflow_job(&WorkflowJobRequest::new(
//!     "demo", Input::Prefix("input/".into()), "w7476ff3564ee45b7b490d64bccaba6cc"))?;
//! let done = client.wait_for_job(&job.job_id, &WaitOptions::default())?;
//! println!("{} ended {}", done.job_id, done.state);
//! # Ok::<(), cibatch::Error>(())
//! ```

// The core has no unsafe code; the C ABI (`ffi`) is the one module that needs it.
#![deny(unsafe_code)]

mod cancel;
mod client;
mod config;
mod create;
mod error;
#[doc(hidden)]
#[allow(unsafe_code)]
pub mod ffi; // the C ABI; public only so that the fuzz targets can call it
mod fields;
mod model;
mod response;
mod results;
pub mod signer;
pub mod timefmt;
mod transport;
mod validate;
pub mod xml;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use cancel::CancelToken;
pub use client::{
    parse_response, parse_results_response, Client, JobCursor, Jobs, PageCursor, Pages, ResultCursor, Results,
    WaitOptions, MAX_EMPTY_PAGES,
};
pub use config::{limits, Config, Credentials, CredentialsProvider, LogLevel, LogSink};
pub use create::CreateRequest;
pub use error::{printable, Error, ErrorKind, Operation, Result, ServiceError, TransportKind};
pub use fields::JobField;
pub use model::{
    CallBackKafkaConfig, CallBackMqConfig, DescribeJobsResult, Input, Job, JobInput, JobOperation, JobPage, JobParam,
    JobRequest, JobState, JobType, ListOptions, Order, Output, TimeInterval, WorkflowJobRequest,
};
pub use response::{parse_error_body, ErrorBody, JobsResponse};
pub use results::{
    sources_of, ObjectResult, Report, ReportOptions, ReportOutcome, ReportProgress, ResultOptions, ResultPage,
    ResultSource, MAX_RESULTS_PER_PAGE,
};
pub use signer::{authorization, SignInput};
pub use xml::XmlElement;

/// The library version, `MAJOR.MINOR.PATCH`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
