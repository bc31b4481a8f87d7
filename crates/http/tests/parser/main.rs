//! Integration tests of the HTTP parser: one test binary, one module per concern.

mod common;
mod props;
mod request;
mod response;
