//! `chainmodel`: call truss models and chains, and read and convert their binary payloads.

mod inspect;
mod payload;
mod progress;
mod stream;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chainmodel::client::{Client, ClientBuilder, Error, Mode};
use clap::{Parser, Subcommand};

use payload::Format;

const EXAMPLES: &str = "\
Examples:
  # The Binary IO docs' Worker, in binary mode (arrays become msgpack_numpy arrays):
  echo '{\"data\": {\"some_numbers\": {\"data_b64\": \"AAAAAAAA8D8AAAAAAAAAQA==\", \"shape\": [2], \"dtype\": \"<f8\"}, \"other_field\": \"Example\"}}' \\
    | chainmodel call http://127.0.0.1:8000/predict --binary
  chainmodel call https://model-abc.api.baseten.co/environments/production/predict input.json
  # A streaming chainlet, one JSON line per frame of its typed stream:
  echo '{\"prompt\": \"p\", \"n\": 3}' | chainmodel call http://127.0.0.1:8003/predict --stream --typed
  chainmodel inspect response.msgpack
  chainmodel convert --to msgpack input.json -o input.msgpack
  # Rust models and the #[stub] of a running chainlet; pydantic models from a schema file:
  chainmodel codegen rust http://127.0.0.1:8000 -o src/worker.rs
  chainmodel codegen python schema.json -o models.py";

/// Call truss models and chains (Python or Rust) in JSON or binary mode, and read and convert
/// their binary (msgpack) payloads.
#[derive(Parser, Debug)]
#[command(name = "chainmodel", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// POST a payload to a predict URL and print the response as JSON-mode text.
    ///
    /// Exits 1 with the status and the remote error (its traceback, as truss's chains stub
    /// shows it) on stderr when the call fails.
    #[command(after_help = "Example:\n  chainmodel call http://127.0.0.1:8000/predict input.json --binary")]
    Call {
        /// A model's `.../predict`, a chain's `.../run_remote`, or a truss server's `/v1/models/model:predict`.
        url: String,
        /// JSON-mode text (arrays as `{"data_b64", "shape", "dtype"}`) or msgpack; a file, or `-` for stdin (the default).
        input: Option<PathBuf>,
        /// Send in binary mode (msgpack, `application/octet-stream`), as `RPCOptions(use_binary=True)`.
        #[arg(long)]
        binary: bool,
        /// Baseten API key, sent as `Authorization: Api-Key KEY`.
        #[arg(long, env = "BASETEN_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// Seconds one attempt may take.
        #[arg(long, default_value_t = 600.0, value_parser = parse_seconds)]
        timeout: f64,
        /// Attempts (connection failures, timeouts and 5xx are tried again; 4xx never).
        #[arg(long, default_value_t = 1)]
        retries: u32,
        /// Write the response body, as received (JSON or msgpack), to this file instead of printing it.
        #[arg(long, short, conflicts_with = "stream")]
        output: Option<PathBuf>,
        /// The chainlet streams (`AsyncIterator[..]`): print its chunks as they arrive. A stream
        /// that fails exits 1 with the error on stderr, after what arrived.
        #[arg(long)]
        stream: bool,
        /// With --stream: the stream is typed (`truss_chains.streaming`); print one JSON line per
        /// frame: `{"header": ..}`, `{"item": ..}`, `{"footer": ..}`.
        #[arg(long, requires = "stream")]
        typed: bool,
    },
    /// Show a JSON or msgpack payload as a tree: keys, types, arrays with dtype, shape and
    /// values as numpy prints them, bytes with their length and a hex preview.
    #[command(after_help = "Example:\n  chainmodel inspect response.msgpack")]
    Inspect {
        /// The payload; a file, or `-` for stdin (the default).
        file: Option<PathBuf>,
        /// Read it as this format instead of detecting it.
        #[arg(long, value_enum)]
        from: Option<Format>,
    },
    /// Convert a payload between JSON-mode text and msgpack (binary mode).
    ///
    /// Arrays become `{"data_b64", "shape", "dtype"}` in JSON and msgpack_numpy arrays in msgpack.
    /// Bytes have no JSON form: converting them to JSON fails and names where they are.
    #[command(after_help = "Example:\n  chainmodel convert --to msgpack input.json -o input.msgpack")]
    Convert {
        /// The format to write.
        #[arg(long, value_enum)]
        to: Format,
        /// The payload; a file, or `-` for stdin (the default).
        file: Option<PathBuf>,
        /// Read it as this format instead of detecting it.
        #[arg(long, value_enum)]
        from: Option<Format>,
        /// Write msgpack exactly as Python's `truss_msgpack_serialize` does, without aligning arrays to 8 bytes.
        #[arg(long)]
        compact: bool,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write code from a pydantic JSON Schema: Rust `#[derive(ChainModel)]` models, or a pydantic
    /// v2 module; from a chainlet's `/schema`, also its stub (Rust `#[stub]` trait, or
    /// `truss_chains` stub class).
    ///
    /// Exits 2 with one line naming where in the schema (a JSON pointer) when it cannot;
    /// nothing is written then.
    #[command(after_help = "Examples:\n  chainmodel codegen rust http://127.0.0.1:8000 -o src/worker.rs\n  \
                            chainmodel codegen python schema.json -o models.py")]
    Codegen {
        /// The language to write.
        #[arg(value_enum)]
        language: Language,
        /// A JSON Schema file (as `model_json_schema()` writes it), a chainlet's `/schema`
        /// answer saved to a file, `-` for stdin, or a chainlet's base URL (`http://host:port`,
        /// whose `/v1/models/model/schema` is fetched).
        input: String,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Baseten API key, sent as `Authorization: Api-Key KEY` when INPUT is a URL.
        #[arg(long, env = "BASETEN_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
    },
}

/// What `codegen` writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Language {
    /// A Rust module of `#[derive(ChainModel)]` types (and a chainlet's `#[stub]` trait).
    Rust,
    /// A pydantic v2 module (and a chainlet's `truss_chains` stub class).
    Python,
}

/// Why the tool stopped: bad input or usage (exit 2), or a call that failed (exit 1).
enum Failure {
    Input(String),
    Call(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("chainmodel: error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Call(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Call { url, input, binary, api_key, timeout, retries, output, stream, typed } => {
            let options = CallOptions { binary, api_key, timeout, retries };
            if stream {
                stream::call(&url, input.as_deref(), options, typed)
            } else {
                call(&url, input.as_deref(), options, output.as_deref())
            }
        }
        Command::Inspect { file, from } => {
            let bytes = payload::read(file.as_deref()).map_err(Failure::Input)?;
            let (format, value) = payload::parse(&bytes, from).map_err(Failure::Input)?;
            let tree = inspect::tree(&value);
            write_stdout(format!("{format}, {} bytes\n{tree}", bytes.len()).as_bytes())
        }
        Command::Convert { to, file, from, compact, output } => {
            let bytes = payload::read(file.as_deref()).map_err(Failure::Input)?;
            let (_, value) = payload::parse(&bytes, from).map_err(Failure::Input)?;
            let converted = match to {
                Format::Json => payload::to_json(&value).map(|text| (text + "\n").into_bytes()),
                Format::Msgpack => payload::to_msgpack(&value, compact),
            }
            .map_err(Failure::Input)?;
            write_output(&converted, output.as_deref(), to == Format::Msgpack)
        }
        Command::Codegen { language, input, output, api_key } => {
            let schema = read_schema(&input, api_key.as_deref().filter(|k| !k.is_empty()))?;
            let code = match language {
                Language::Rust => chainmodel::codegen::rust_module(&schema),
                Language::Python => chainmodel::codegen::python_module(&schema),
            }
            .map_err(|e| Failure::Input(format!("{input}: {e}")))?;
            write_output(code.as_bytes(), output.as_deref(), false)
        }
    }
}

/// The schema `codegen` reads: fetched from a URL, or read from a file or stdin.
fn read_schema(input: &str, api_key: Option<&str>) -> Result<chainmodel::serde_json::Value, Failure> {
    if input.starts_with("http://") || input.starts_with("https://") {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::Input(format!("cannot start the runtime: {e}")))?;
        return runtime
            .block_on(chainmodel::codegen::fetch_schema(input, api_key))
            .map_err(|e| Failure::Input(e.to_string()));
    }
    let path = (input != "-").then(|| Path::new(input));
    let bytes = payload::read(path).map_err(Failure::Input)?;
    chainmodel::serde_json::from_slice(&bytes).map_err(|e| Failure::Input(format!("{input}: not JSON: {e}")))
}

/// How `call` calls.
struct CallOptions {
    binary: bool,
    api_key: Option<String>,
    timeout: f64,
    retries: u32,
}

impl CallOptions {
    fn builder(self, url: &str) -> ClientBuilder {
        let mut builder = Client::builder(url)
            .name(url)
            .use_binary(self.binary)
            .retries(self.retries)
            .timeout(Duration::from_secs_f64(self.timeout));
        if let Some(key) = self.api_key.filter(|k| !k.is_empty()) {
            builder = builder.api_key(key);
        }
        builder
    }
}

/// The input's body in the mode asked for: the text is sent as written when it is already in
/// that mode.
fn request_body(input: Option<&Path>, binary: bool) -> Result<(Mode, Vec<u8>), Failure> {
    let bytes = payload::read(input).map_err(Failure::Input)?;
    let (format, value) = payload::parse(&bytes, None).map_err(Failure::Input)?;
    Ok(match (binary, format) {
        (false, Format::Json) => (Mode::Json, bytes),
        (false, Format::Msgpack) => (Mode::Json, payload::to_json(&value).map_err(Failure::Input)?.into_bytes()),
        (true, _) => (Mode::Binary, payload::to_msgpack(&value, false).map_err(Failure::Input)?),
    })
}

fn call(url: &str, input: Option<&Path>, options: CallOptions, output: Option<&Path>) -> Result<(), Failure> {
    let (mode, body) = request_body(input, options.binary)?;
    let mut builder = options.builder(url);
    if let Some(reporter) = progress::reporter() {
        builder = builder.on_progress(reporter);
    }
    let client = builder.build_blocking().map_err(|e| Failure::Input(e.to_string()))?;
    let response = client.call_raw(mode, body).map_err(call_failure)?;
    if let Some(path) = output {
        return write_output(response.bytes(), Some(path), false);
    }
    let text = match response.mode() {
        Mode::Json => {
            let mut text = response.bytes().to_vec();
            text.push(b'\n');
            text
        }
        Mode::Binary => {
            let value = response.decode().map_err(|e| Failure::Call(format!("chainmodel: error: {e}")))?;
            let text = payload::to_json(&value)
                .map_err(|e| Failure::Call(format!("chainmodel: error: the response's {e}; save it with --output")))?;
            (text + "\n").into_bytes()
        }
    };
    write_stdout(&text)
}

/// The status (when there is one) and the error, as truss's stub shows it.
fn call_failure(error: Error) -> Failure {
    match error.remote() {
        Some(failure) => {
            let reason = failure.status.canonical_reason().unwrap_or("");
            let code = failure.error_code().map(|c| format!(", x-baseten-error-code {c}")).unwrap_or_default();
            Failure::Call(format!("chainmodel: HTTP status {} {reason}{code}\n{error}", failure.status.as_u16()))
        }
        None => Failure::Call(format!("chainmodel: error: {error}")),
    }
}

fn write_output(bytes: &[u8], path: Option<&Path>, binary: bool) -> Result<(), Failure> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| Failure::Input(format!("cannot write `{}`: {e}", path.display())))
        }
        None if binary && std::io::stdout().is_terminal() => {
            Err(Failure::Input("refusing to write msgpack to a terminal: redirect stdout or use --output FILE".into()))
        }
        None => write_stdout(bytes),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Input(format!("cannot write to stdout: {e}"))),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds.is_finite() && seconds < 1e9 => Ok(seconds),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}
