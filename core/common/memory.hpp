#pragma once

namespace pretrainlab {

// The most memory this process has held at once (its peak resident set), in megabytes.
double peakResidentMegabytes();

}  // namespace pretrainlab
