//! Lint throughput: 2,000 generated policy files, read, parsed and checked by every document rule.
//! `cargo bench --bench lint`; the figure is recorded in the README's performance section, next to
//! parliament's on the same files.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/policies.rs"]
mod policies;
use policies::{POLICIES, write_policies};

// The binary's allocator, so the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn lint(c: &mut Criterion) {
    let (_dir, inputs) = write_policies();
    let options = ecslint::CheckOptions::default();
    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Elements(POLICIES as u64));
    group.sample_size(20);
    group.bench_function("2,000 policies", |b| {
        b.iter(|| ecslint::check(&inputs, &options).unwrap().findings.len())
    });
    group.finish();
}

criterion_group!(benches, lint);
criterion_main!(benches);
