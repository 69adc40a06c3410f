//! Sweep designs: the points of the unit cube (or of a grid) at which a sweep runs
//! its scenario, in the row order the analyses rely on.
