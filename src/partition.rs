//! AWS partitions: ARN prefixes, regions, STS and console sign-in endpoints (aws-rules.md §3).

use std::fmt;

/// An AWS partition.
///
/// ```
/// use aws_connector::Partition;
///
/// assert_eq!(Partition::from_region("cn-north-1"), Some(Partition::AwsCn));
/// assert_eq!(Partition::AwsCn.sts_endpoint("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
/// assert_eq!(Partition::from_region("us-gov-west-1"), Some(Partition::AwsUsGov));
/// assert_eq!(Partition::from_region("xx-east-1"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Partition {
    /// The commercial partition (`arn:aws:`).
    #[default]
    Aws,
    /// China (`arn:aws-cn:`).
    AwsCn,
    /// AWS GovCloud (US) (`arn:aws-us-gov:`).
    AwsUsGov,
}

const AWS_REGION_PREFIXES: [&str; 9] = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"];

impl Partition {
    /// Every known partition.
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    /// The partition's name as it appears in ARNs: `aws`, `aws-cn`, `aws-us-gov`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The partition named in an ARN.
    pub fn from_arn_name(name: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The partition of a region, or `None` when the region is malformed or in an unknown partition.
    pub fn from_region(region: &str) -> Option<Partition> {
        if !is_region_shaped(region) {
            return None;
        }
        if region.starts_with("us-gov-") {
            Some(Partition::AwsUsGov)
        } else if region.starts_with("cn-") {
            Some(Partition::AwsCn)
        } else if AWS_REGION_PREFIXES
            .iter()
            .any(|p| region.split('-').next() == Some(p))
        {
            Some(Partition::Aws)
        } else {
            None
        }
    }

    /// The regional STS endpoint, e.g. `https://sts.eu-west-1.amazonaws.com`.
    pub fn sts_endpoint(self, region: &str) -> String {
        match self {
            Partition::AwsCn => format!("https://sts.{region}.amazonaws.com.cn"),
            Partition::Aws | Partition::AwsUsGov => format!("https://sts.{region}.amazonaws.com"),
        }
    }

    /// The console sign-in federation endpoint.
    pub const fn federation_endpoint(self) -> &'static str {
        match self {
            Partition::Aws => "https://signin.aws.amazon.com/federation",
            Partition::AwsCn => "https://signin.amazonaws.cn/federation",
            Partition::AwsUsGov => "https://signin.amazonaws-us-gov.com/federation",
        }
    }

    /// The console's base URL.
    pub const fn console_url(self) -> &'static str {
        match self {
            Partition::Aws => "https://console.aws.amazon.com",
            Partition::AwsCn => "https://console.amazonaws.cn",
            Partition::AwsUsGov => "https://console.amazonaws-us-gov.com",
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `^[a-z]{2}(-[a-z]+)+-[0-9]+$`, e.g. `us-east-1`, `us-gov-west-1`.
pub(crate) fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_partitions() {
        for (r, p) in [
            ("us-east-1", Some(Partition::Aws)),
            ("eu-central-2", Some(Partition::Aws)),
            ("mx-central-1", Some(Partition::Aws)),
            ("cn-northwest-1", Some(Partition::AwsCn)),
            ("us-gov-east-1", Some(Partition::AwsUsGov)),
            ("us-east", None),
            ("US-EAST-1", None),
            ("zz-east-1", None),
            ("", None),
        ] {
            assert_eq!(Partition::from_region(r), p, "{r}");
        }
    }
}
