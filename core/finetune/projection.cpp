#include "core/finetune/projection.hpp"

#include <Eigen/Eigenvalues>

namespace pretrainlab::finetune {

Projection principalPlane(const Eigen::MatrixXf& features) {
    Projection out;
    const Eigen::Index n = features.rows();
    out.points = Eigen::MatrixX2d::Zero(n, 2);
    if (n < 2 || features.cols() == 0) return out;
    const Eigen::MatrixXd x = features.cast<double>();
    const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
    const Eigen::MatrixXd covariance = centred.transpose() * centred / double(n - 1);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    const Eigen::VectorXd values = solver.eigenvalues();  // ascending
    const double total = values.sum();
    const Eigen::Index d = values.size();
    for (int axis = 0; axis < 2 && axis < d; ++axis) {
        Eigen::VectorXd direction = solver.eigenvectors().col(d - 1 - axis);
        Eigen::Index largest = 0;
        direction.cwiseAbs().maxCoeff(&largest);
        if (direction(largest) < 0) direction = -direction;
        out.points.col(axis) = centred * direction;
        out.explained[axis] = total > 0 ? values(d - 1 - axis) / total : 0.0;
    }
    return out;
}

}  // namespace pretrainlab::finetune
