//! Integration tests of the capture reader: captures built in code (every format variant
//! and many kinds of damage), a property test on arbitrary bytes, and the shared corpus.

mod corpus;
mod damage;
mod formats;
mod fuzz;
mod regressions;
mod util;
