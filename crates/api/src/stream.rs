//! Following the activity log for `GET /v1/events/stream`: replay stored events, then relay
//! the backend's broadcast, with no gap and no duplicate.
//!
//! The follower subscribes *before* it reads the log size, so every event appended after the
//! read arrives on the broadcast; events it already sent from state are skipped by index. When
//! the broadcast drops events (`Lagged`) or skips ahead of the next index (the node broadcast
//! before this subscription while its state was not yet readable), the missing events are read
//! from state, retrying briefly while state catches up.

use crate::backend::Backend;
use crate::error::ApiError;
use crate::metrics::StreamGuard;
use aigov_state::log;
use aigov_types::event::EventRecord;
use axum::response::sse::Event as SseEvent;
use futures::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

/// Most events read from state per batch.
const BATCH: u64 = 256;
/// How many times a missing event is looked for in state before the stream ends.
const STATE_RETRIES: u32 = 40;
/// Pause between those attempts.
const STATE_RETRY_DELAY: Duration = Duration::from_millis(50);

/// One client's position in the log.
pub(crate) struct Follower<B: Backend> {
    backend: B,
    live: broadcast::Receiver<EventRecord>,
    /// Index of the next event not yet taken (sent or buffered).
    next: u64,
    /// Events `next..stored_end` are read from state before relaying the broadcast.
    stored_end: u64,
    /// Events read from state, waiting to be sent.
    buffer: VecDeque<EventRecord>,
    shutdown: watch::Receiver<bool>,
    _open: StreamGuard,
}

/// Resolves once shutdown is requested; never, if no one can request it.
async fn shutdown_requested(rx: &mut watch::Receiver<bool>) {
    let closed = rx.wait_for(|stop| *stop).await.is_err();
    if closed {
        std::future::pending::<()>().await;
    }
}

impl<B: Backend> Follower<B> {
    /// Subscribes, then reads the log size. Starts at `from`, or at the end of the log.
    pub(crate) async fn start(
        backend: B,
        from: Option<u64>,
        shutdown: watch::Receiver<bool>,
        open: StreamGuard,
    ) -> Result<Self, ApiError> {
        let live = backend.subscribe();
        let reader = backend.reader().await?;
        let size = log::frontier(&reader).await?.size;
        Ok(Self {
            backend,
            live,
            next: from.unwrap_or(size),
            stored_end: size,
            buffer: VecDeque::new(),
            shutdown,
            _open: open,
        })
    }

    /// The stream of SSE messages.
    pub(crate) fn into_stream(self) -> impl Stream<Item = Result<SseEvent, Infallible>> + Send {
        futures::stream::unfold(self, |mut f| async move {
            let record = f.next_event().await?;
            Some((Ok(sse_event(&record)), f))
        })
    }

    /// The next event to send, or `None` to end the stream.
    async fn next_event(&mut self) -> Option<EventRecord> {
        loop {
            if let Some(e) = self.buffer.pop_front() {
                return Some(e);
            }
            if self.next < self.stored_end {
                if !self.read_stored().await {
                    return None;
                }
                continue;
            }
            let received = tokio::select! {
                _ = shutdown_requested(&mut self.shutdown) => return None,
                r = self.live.recv() => r,
            };
            match received {
                Ok(e) if e.index < self.next => {}
                Ok(e) if e.index == self.next => {
                    self.next += 1;
                    return Some(e);
                }
                // Events before this one never arrived: read them, and it, from state.
                Ok(e) => self.stored_end = e.index.saturating_add(1),
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "event stream lagged; reading from state");
                    let size = match self.backend.reader().await {
                        Ok(r) => log::frontier(&r).await.map(|f| f.size),
                        Err(e) => {
                            tracing::warn!("event stream ends: {e}");
                            return None;
                        }
                    };
                    match size {
                        Ok(size) => self.stored_end = self.stored_end.max(size),
                        Err(e) => {
                            tracing::warn!("event stream ends: {e}");
                            return None;
                        }
                    }
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// Reads the next batch of `next..stored_end` from state into the buffer, waiting briefly
    /// for state to catch up with the broadcast. `false` ends the stream.
    async fn read_stored(&mut self) -> bool {
        for _ in 0..STATE_RETRIES {
            let reader = match self.backend.reader().await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!("event stream ends: {e}");
                    return false;
                }
            };
            let end = self.stored_end.min(self.next.saturating_add(BATCH));
            for index in self.next..end {
                match log::event(&reader, index).await {
                    Ok(Some(e)) if e.index == index => self.buffer.push_back(e),
                    Ok(Some(e)) => {
                        tracing::warn!(index, got = e.index, "event stream ends: misfiled event");
                        return false;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!("event stream ends: {e}");
                        return false;
                    }
                }
            }
            if !self.buffer.is_empty() {
                self.next += self.buffer.len() as u64;
                return true;
            }
            tokio::select! {
                _ = shutdown_requested(&mut self.shutdown) => return false,
                _ = tokio::time::sleep(STATE_RETRY_DELAY) => {}
            }
        }
        tracing::warn!(index = self.next, "event stream ends: event not in state");
        false
    }
}

/// `id: <index>`, `event: <kind>`, `data: <EventRecord JSON>`.
fn sse_event(record: &EventRecord) -> SseEvent {
    let base = SseEvent::default()
        .id(record.index.to_string())
        .event(record.event.kind());
    let data = serde_json::to_string(record)
        .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()));
    base.data(data)
}
