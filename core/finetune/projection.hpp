#pragma once

// Feature vectors flattened to a plane for plotting: their first two principal components.

#include <Eigen/Dense>

namespace pretrainlab::finetune {

struct Projection {
    Eigen::MatrixX2d points;        // one row per feature vector
    double explained[2] = {0, 0};   // the share of the variance each axis keeps
};

// Centres the rows and projects them onto the two directions of largest variance (each axis'
// sign chosen so that its largest loading is positive, for the same picture every time).
Projection principalPlane(const Eigen::MatrixXf& features);

}  // namespace pretrainlab::finetune
