//! Everything wiresift prints: tables in several formats, the packet list, the details tree.

pub mod details;
pub mod labels;
pub mod packet_list;
pub mod table;
