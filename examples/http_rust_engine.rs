//! The Rust rule engine of `jsonl_engine.rs` as an HTTP service: POST a batch of
//! `seqsim-decision/1` as JSON, get the answer message back. It measures what the harness's
//! HTTP transport carries when the engine is fast:
//!
//! ```sh
//! cargo build --release --example http_rust_engine
//! target/release/examples/http_rust_engine &    # prints `listening on http://127.0.0.1:PORT/decide`
//! seqsim harness scale-1m --engine-url http://127.0.0.1:PORT/decide --batch 1000 --timing
//! ```
//!
//! HTTP/1.1 is spoken by hand over `std::net` (requests with a Content-Length body, kept
//! alive), one thread per connection: enough for the harness, and it sets TCP_NODELAY, which
//! the small server crates do not expose (without it every answer waits out the client's
//! delayed acknowledgement).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};

#[allow(dead_code)]
#[path = "jsonl_engine.rs"]
mod jsonl_engine;

/// Serves one connection until the client closes it.
fn serve(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let (status, text) = match serde_json::from_slice::<harness::Batch>(&body) {
            Ok(batch) => (
                "200 OK",
                serde_json::to_string(&jsonl_engine::answer(&batch))?,
            ),
            Err(e) => ("400 Bad Request", format!("bad batch: {e}")),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            text.len()
        );
        out.write_all(&[head.as_bytes(), text.as_bytes()].concat())?;
    }
}

fn main() {
    let port: u16 = (std::env::args().skip_while(|a| a != "--port").nth(1))
        .map_or(0, |p| p.parse().expect("--port PORT"));
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("a free port");
    let addr = listener.local_addr().expect("an address");
    println!("listening on http://{addr}/decide");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || serve(stream));
    }
}
