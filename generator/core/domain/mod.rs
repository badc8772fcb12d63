//! The domain of the notice, with no knowledge of signatures or files:
//! certificate codes and filing numbers (附件5), levels, the occupation
//! catalogue, evaluation methods, ID documents, dates and text normalisation.

pub mod code;
pub mod dates;
pub mod id_document;
pub mod level;
pub mod method;
pub mod occupation;
pub mod text;
