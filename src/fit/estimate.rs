//! One family fitted to one set of observations: estimates, intervals,
//! log-likelihood and AIC.

use super::interval::{Cutoff, Interval, cutoffs, profile_interval};
use super::likelihood::{Family, Observations};
use super::mle::maximise;

/// A family fitted by maximum likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyFit {
    /// The family.
    pub family: Family,
    /// One per parameter, in the order of [`Family::parameters`].
    pub estimates: Vec<Estimate>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
}

/// One parameter's estimate and 95% interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// The parameter, as `cadence_days` names it.
    pub parameter: &'static str,
    /// The maximum-likelihood estimate.
    pub value: f64,
    /// The 95% interval.
    pub interval: Interval,
    /// The likelihood-ratio cut-off the interval was drawn at.
    pub cutoff: f64,
}

impl FamilyFit {
    /// Akaike's information criterion, 2k − 2 ln L.
    pub fn aic(&self) -> f64 {
        aic(self.log_likelihood, self.estimates.len())
    }

    /// The estimates in natural units, in the order of the parameters.
    pub fn values(&self) -> Vec<f64> {
        self.estimates.iter().map(|e| e.value).collect()
    }
}

/// Akaike's information criterion of a log-likelihood with `parameters`
/// free parameters.
pub fn aic(log_likelihood: f64, parameters: usize) -> f64 {
    2.0 * parameters as f64 - 2.0 * log_likelihood
}

/// Fits `family` to `data`, with 95% profile-likelihood intervals at the
/// cut-off `method` gives (`stream` keys its random streams). `None` when
/// the likelihood has no finite maximum in the searched range.
pub fn fit_family(
    family: Family,
    data: &Observations,
    method: Cutoff,
    stream: u64,
) -> Option<FamilyFit> {
    let maximum = maximise(family, data)?;
    let cuts = cutoffs(family, data, &maximum, method, stream);
    let estimates = (family.parameters().iter().enumerate())
        .map(|(index, &parameter)| Estimate {
            parameter,
            value: maximum.params[index],
            interval: profile_interval(family, data, &maximum, index, cuts[index]),
            cutoff: cuts[index],
        })
        .collect();
    Some(FamilyFit {
        family,
        estimates,
        log_likelihood: maximum.log_likelihood,
    })
}
