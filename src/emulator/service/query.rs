//! The query parameters the job listing and the two result listings share: page size, order, states, creation-time
//! range and the next token, read and refused the same way.

use crate::emulator::http::HttpRequest;
use crate::model::JobState;
use crate::timefmt::parse_ci;

/// An answer refused: status, service code and message.
pub(super) type ApiError = (u16, &'static str, String);

pub(super) fn bad(message: String) -> ApiError {
    (400, "InvalidArgument", message)
}

/// A query parameter; an empty one counts as absent.
pub(super) fn param<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// What a listing asked for besides its own filters.
pub(super) struct Paging {
    pub size: usize,
    pub ascending: bool,
    /// None: every state (`All` or none given).
    pub states: Option<Vec<JobState>>,
    /// The creation-time range, as Unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Where the page starts: the number this emulator put at the front of its `NextToken`.
    pub offset: usize,
}

impl Paging {
    pub(super) fn read(req: &HttpRequest) -> Result<Paging, ApiError> {
        let size = match param(req, "size") {
            None => 10,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => return Err(bad(format!("size {s:?} is not an integer in 1..100"))),
            },
        };
        let ascending = match param(req, "orderByTime") {
            None | Some("Desc") => false,
            Some("Asc") => true,
            Some(o) => return Err(bad(format!("orderByTime {o:?} is not Desc or Asc"))),
        };
        let states = match param(req, "states") {
            None | Some("All") => None,
            Some(s) => Some(
                s.split(',')
                    .map(|part| match JobState::parse(part) {
                        JobState::Other(o) if o == "All" => Err(bad("All cannot be combined with other states".into())),
                        JobState::Other(o) => Err(bad(format!("unknown state {o:?}"))),
                        st => Ok(st),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let time = |n: &str| match param(req, n) {
            None => Ok(None),
            Some(t) => {
                parse_ci(t).map(Some).ok_or_else(|| bad(format!("{n} {t:?} is not like 2022-02-25T12:00:00+0800")))
            }
        };
        let (from, to) = (time("startCreationTime")?, time("endCreationTime")?);
        // A job listing's token is `offset~...`; a result listing's, the offset alone.
        let offset = match param(req, "nextToken") {
            None => 0,
            Some(t) => t
                .split('~')
                .next()
                .unwrap_or(t)
                .parse::<usize>()
                .map_err(|_| bad(format!("nextToken {t:?} is not a token this service issued")))?,
        };
        Ok(Paging { size, ascending, states, from, to, offset })
    }
}
