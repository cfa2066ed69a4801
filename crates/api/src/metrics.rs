//! The API's own counters: requests by route and status class, and open event streams. Plain
//! atomics, rendered in the Prometheus text format after the node's metrics.

use crate::routes::ROUTES;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Status classes `1xx` to `5xx`.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

/// Request counters: one row per route of [ROUTES], plus one for unmatched requests.
pub(crate) struct ApiMetrics {
    requests: Vec<[AtomicU64; 5]>,
    streams_open: AtomicU64,
}

impl ApiMetrics {
    pub(crate) fn new() -> Self {
        Self {
            requests: (0..=ROUTES.len()).map(|_| Default::default()).collect(),
            streams_open: AtomicU64::new(0),
        }
    }

    /// Counts one response.
    fn record(&self, route: Option<&str>, status: u16) {
        let row = route
            .and_then(|r| ROUTES.iter().position(|d| d.path == r))
            .unwrap_or(ROUTES.len());
        let class = usize::from((status / 100).clamp(1, 5) - 1);
        if let Some(counters) = self.requests.get(row) {
            counters[class].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Marks an event stream open until the guard is dropped.
    pub(crate) fn stream_opened(self: &Arc<Self>) -> StreamGuard {
        self.streams_open.fetch_add(1, Ordering::Relaxed);
        StreamGuard(self.clone())
    }

    /// The counters in the Prometheus text format.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP aigov_api_requests_total HTTP requests answered by the API, by route and \
             status class.\n# TYPE aigov_api_requests_total counter\n",
        );
        for (row, counters) in self.requests.iter().enumerate() {
            let route = ROUTES.get(row).map_or(UNMATCHED, |d| d.path);
            for (class, counter) in CLASSES.iter().zip(counters) {
                let n = counter.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "aigov_api_requests_total{{route=\"{route}\",status=\"{class}\"}} {n}"
                    );
                }
            }
        }
        let _ = write!(
            out,
            "# HELP aigov_api_event_streams Open server-sent event streams.\n\
             # TYPE aigov_api_event_streams gauge\n\
             aigov_api_event_streams {}\n",
            self.streams_open.load(Ordering::Relaxed)
        );
        out
    }
}

/// Keeps an event stream counted as open.
pub(crate) struct StreamGuard(Arc<ApiMetrics>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Middleware counting every response by matched route and status class.
pub(crate) async fn track(
    State(metrics): State<Arc<ApiMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let response = next.run(request).await;
    metrics.record(route.as_deref(), response.status().as_u16());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_route_and_class() {
        let m = Arc::new(ApiMetrics::new());
        m.record(Some("/v1/txs"), 202);
        m.record(Some("/v1/txs"), 400);
        m.record(Some("/v1/txs"), 400);
        m.record(None, 404);
        m.record(Some("/nope"), 999);
        let guard = m.stream_opened();
        let text = m.render();
        assert!(text.contains("aigov_api_requests_total{route=\"/v1/txs\",status=\"2xx\"} 1\n"));
        assert!(text.contains("aigov_api_requests_total{route=\"/v1/txs\",status=\"4xx\"} 2\n"));
        assert!(text.contains("{route=\"unmatched\",status=\"4xx\"} 1\n"));
        assert!(text.contains("{route=\"unmatched\",status=\"5xx\"} 1\n"));
        assert!(text.contains("aigov_api_event_streams 1\n"));
        drop(guard);
        assert!(m.render().contains("aigov_api_event_streams 0\n"));
    }
}
