//! Streaming a population through worker threads with bounded memory.
//!
//! The calling thread reads ~4 MiB blocks cut at line ends and hands them to workers
//! over a bounded channel; each block carries its sequence number so line numbers in
//! errors and the optional per-row output stay in file order. A fixed pool of buffer
//! pairs (input, output) bounds memory whatever the population size: a pair goes back
//! to the pool only after its output was written, in order.

use crate::csv::{HEADER, parse_block};
use crate::person::Person;
use crate::population::PopulationError;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

const CHUNK: usize = 4 << 20;

/// How many worker threads: the machine's parallelism, at most 8.
pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
}

struct Work {
    seq: u64,
    input: Vec<u8>,
    output: Vec<u8>,
}

struct Done {
    seq: u64,
    input: Vec<u8>,
    output: Vec<u8>,
    lines: u64,
    /// (line within the chunk, 0-based; column; message)
    fault: Option<(u64, &'static str, String)>,
}

/// Streams `reader` (header line first) through `threads` workers. `row` is called for
/// every person with the worker's accumulator and, when `sink` is given, an output
/// buffer to append the row's output line to. Returns the workers' accumulators and the
/// number of data rows.
pub(crate) fn run<A: Send, R: Read>(
    mut reader: R,
    honors: &[String],
    threads: usize,
    mut sink: Option<&mut dyn Write>,
    init: impl Fn() -> A + Sync,
    row: impl Fn(&mut A, &Person, Option<&mut Vec<u8>>) + Sync,
) -> Result<Vec<A>, PopulationError> {
    let threads = threads.max(1);
    let want_out = sink.is_some();

    // ---- header (line 1), read byte-wise into the first block
    let mut carry: Vec<u8> = Vec::with_capacity(CHUNK);
    let header_end;
    loop {
        if let Some(i) = carry.iter().position(|&b| b == b'\n') {
            header_end = i;
            break;
        }
        let n = read_more(&mut reader, &mut carry, 64 << 10)?;
        if n == 0 {
            header_end = carry.len();
            break;
        }
    }
    let header = &carry[..header_end];
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    if header != HEADER.as_bytes() {
        return Err(PopulationError::Header {
            found: String::from_utf8_lossy(&header[..header.len().min(200)]).into_owned(),
        });
    }
    carry.drain(..(header_end + 1).min(carry.len()));

    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let first_bad = AtomicU64::new(u64::MAX);
    let pairs = threads * 2 + 2;

    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, init, row, first_bad) = (&work_rx, &init, &row, &first_bad);
            handles.push(s.spawn(move || {
                let mut acc = init();
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok(mut w)) = next else { break };
                    let mut lines = 0u64;
                    let mut fault = None;
                    // Skip only blocks after a faulty one: every block before it must
                    // be processed so the first fault and its line number are exact.
                    if w.seq < first_bad.load(Ordering::Relaxed) {
                        w.output.clear();
                        let output = &mut w.output;
                        let parsed = parse_block(&w.input, honors, |p| {
                            row(&mut acc, p, want_out.then_some(&mut *output));
                        });
                        match parsed {
                            Ok(n) => lines = n,
                            Err((n, f)) => {
                                lines = n;
                                fault = Some((n, f.column, f.message));
                                first_bad.fetch_min(w.seq, Ordering::Relaxed);
                            }
                        }
                    }
                    let _ = done_tx.send(Done {
                        seq: w.seq,
                        input: w.input,
                        output: w.output,
                        lines,
                        fault,
                    });
                }
                acc
            }));
        }
        drop(done_tx);

        // ---- reader / writer loop on this thread
        let mut pool: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut made = 0usize;
        let mut seq = 0u64;
        let mut writer = Writer::default();
        let mut result: Result<(), PopulationError> = Ok(());
        let mut eof = false;
        while !eof && result.is_ok() && first_bad.load(Ordering::Relaxed) == u64::MAX {
            let (mut input, output) = if let Some(p) = pool.pop() {
                p
            } else if made < pairs {
                made += 1;
                (Vec::with_capacity(CHUNK + (64 << 10)), Vec::new())
            } else {
                match done_rx.recv() {
                    Ok(d) => {
                        if let Err(e) = writer.accept(d, &mut sink, &mut pool) {
                            result = Err(e);
                        }
                        continue;
                    }
                    Err(_) => break,
                }
            };
            input.clear();
            input.append(&mut carry);
            while input.len() < CHUNK {
                let want = CHUNK - input.len();
                match read_more(&mut reader, &mut input, want) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            if result.is_err() {
                break;
            }
            if !eof {
                // Cut at the last line end; the partial line starts the next block.
                match input.iter().rposition(|&b| b == b'\n') {
                    Some(i) => carry.extend_from_slice(&input[i + 1..]),
                    None => {
                        // One line longer than a block: keep it whole for the next round.
                        carry = std::mem::take(&mut input);
                        pool.push((Vec::with_capacity(CHUNK), output));
                        continue;
                    }
                }
                let keep = input.len() - carry.len();
                input.truncate(keep);
            }
            if input.is_empty() {
                pool.push((input, output));
                continue;
            }
            if work_tx.send(Work { seq, input, output }).is_err() {
                break;
            }
            seq += 1;
        }
        drop(work_tx);
        for d in done_rx.iter() {
            if let Err(e) = writer.accept(d, &mut sink, &mut pool)
                && result.is_ok()
            {
                result = Err(e);
            }
        }
        let accs: Vec<A> = handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect();
        result?;
        if let Some((line, column, message)) = writer.first_fault {
            return Err(PopulationError::Field {
                line,
                column,
                message,
            });
        }
        if let Some(s) = sink.as_mut() {
            s.flush().map_err(PopulationError::Output)?;
        }
        Ok(accs)
    })
}

fn read_more<R: Read>(r: &mut R, buf: &mut Vec<u8>, want: usize) -> Result<usize, PopulationError> {
    let len = buf.len();
    buf.resize(len + want, 0);
    loop {
        match r.read(&mut buf[len..]) {
            Ok(n) => {
                buf.truncate(len + n);
                return Ok(n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(len);
                return Err(PopulationError::Io(e));
            }
        }
    }
}

/// Puts finished blocks back in file order: writes their output, tracks line numbers,
/// and keeps the first (lowest-line) error.
#[derive(Default)]
struct Writer {
    next: u64,
    /// Data lines before block `next` (the header is line 1).
    lines_before: u64,
    pending: BTreeMap<u64, Done>,
    first_fault: Option<(u64, &'static str, String)>,
}

impl Writer {
    fn accept(
        &mut self,
        d: Done,
        sink: &mut Option<&mut dyn Write>,
        pool: &mut Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<(), PopulationError> {
        self.pending.insert(d.seq, d);
        while let Some(d) = self.pending.remove(&self.next) {
            self.next += 1;
            if self.first_fault.is_none() {
                if let Some((l, col, msg)) = d.fault {
                    // Blocks are handed out in order, so every block before this one
                    // was processed: this is the first faulty line of the file.
                    self.first_fault = Some((self.lines_before + l + 2, col, msg));
                } else if let Some(s) = sink.as_mut() {
                    s.write_all(&d.output).map_err(PopulationError::Output)?;
                }
            }
            self.lines_before += d.lines;
            pool.push((d.input, d.output));
        }
        Ok(())
    }
}
