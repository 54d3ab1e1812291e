//! Exchange with other tools' formats: the AWS CLI's `describe-*` JSON
//! ([`aws`]): import a real account's network, export a design as AWS would
//! describe it.

pub mod aws;
