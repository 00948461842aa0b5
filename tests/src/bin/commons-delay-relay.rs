//! `commons-delay-relay`: added latency for the fault harness (`commons_tests::netns`),
//! on the path between two nodes. The kernel here has no `netem`, so a link's delay is
//! made in user space: the relay accepts TCP connections on each `--route`'s listening
//! address and forwards the bytes to the route's target, holding every chunk for
//! `--delay-ms` in each direction before writing it on. Order is kept; a chunk is never
//! written before its time, so every byte crossing the relay is late by at least the
//! delay (plus what the machine adds).
//!
//! ```text
//! commons-delay-relay --delay-ms 150 --route 10.77.0.254:10001=10.77.0.1:7411 ...
//!     READY <routes>
//! ```
//!
//! The lab runs it inside the bridge's network namespace and kills it when dropped; it
//! prints `READY` once every listener is bound, and runs until killed.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

/// Bytes read at once from either side.
const CHUNK_BYTES: usize = 16 * 1024;
/// Chunks held back per direction of one connection; a full queue stops reading, so
/// TCP's flow control pushes back on the sender instead of the relay's memory growing.
const CHUNKS_IN_FLIGHT: usize = 256;
/// The longest delay accepted, in ms.
const MAX_DELAY_MS: u64 = 10_000;

#[derive(Debug, Parser)]
#[command(
    name = "commons-delay-relay",
    about = "Forward TCP connections with a fixed added delay each way (for the fault harness)"
)]
struct Args {
    /// The delay added to every chunk, each way, in milliseconds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=MAX_DELAY_MS))]
    delay_ms: u64,
    /// `LISTEN=TARGET`: accept on LISTEN and forward to TARGET (both `ip:port`).
    /// Repeat for more routes.
    #[arg(long = "route", required = true, value_parser = parse_route)]
    routes: Vec<(SocketAddr, SocketAddr)>,
}

fn parse_route(text: &str) -> Result<(SocketAddr, SocketAddr), String> {
    let (listen, target) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not LISTEN=TARGET, such as 10.77.0.254:10001=10.77.0.1:7411")
    })?;
    let parse = |part: &str| {
        part.parse::<SocketAddr>()
            .map_err(|error| format!("`{part}` is not an ip:port address: {error}"))
    };
    Ok((parse(listen)?, parse(target)?))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let delay = Duration::from_millis(args.delay_ms);
    let mut listeners = Vec::with_capacity(args.routes.len());
    for (listen, target) in &args.routes {
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        listeners.push((listener, *target));
    }
    println!("READY {}", args.routes.len());
    let mut accepting = tokio::task::JoinSet::new();
    for (listener, target) in listeners {
        accepting.spawn(accept(listener, target, delay));
    }
    match accepting.join_next().await {
        Some(Ok(result)) => result,
        Some(Err(error)) => Err(anyhow!("a listener's task failed: {error}")),
        None => Ok(()),
    }
}

/// Accepts on `listener` for ever, relaying each connection to `target`.
async fn accept(listener: TcpListener, target: SocketAddr, delay: Duration) -> Result<()> {
    loop {
        let (inbound, _) = listener.accept().await.context("accept failed")?;
        tokio::spawn(async move {
            // A target that is down (a killed node) refuses; the dialer sees the close.
            if let Ok(outbound) = TcpStream::connect(target).await {
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                let (in_read, in_write) = inbound.into_split();
                let (out_read, out_write) = outbound.into_split();
                tokio::join!(
                    pipe(in_read, out_write, delay),
                    pipe(out_read, in_write, delay)
                );
            }
        });
    }
}

/// Copies `from` to `to`, each chunk written `delay` after it was read. When either
/// side ends, the write side is shut down so the other end sees the close.
async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, delay: Duration) {
    let (sender, mut receiver) = mpsc::channel::<(Instant, Vec<u8>)>(CHUNKS_IN_FLIGHT);
    let reader = async move {
        let mut buffer = vec![0u8; CHUNK_BYTES];
        loop {
            match from.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    let due = Instant::now() + delay;
                    if sender.send((due, buffer[..read].to_vec())).await.is_err() {
                        break;
                    }
                }
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk)) = receiver.recv().await {
            sleep_until(due).await;
            if to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
