use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = ecslint::cli::Cli::parse();
    let (code, stdout, stderr) = ecslint::cli::run(cli);
    // A closed pipe (`ecslint … | head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(stdout.as_bytes());
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    ExitCode::from(code)
}

// Parsing many small documents allocates many small strings; glibc's allocator spent a fifth of a
// lint run consolidating free lists.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
