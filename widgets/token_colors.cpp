#include "widgets/token_colors.hpp"
#include "widgets/view_palette.hpp"

#include <cmath>

namespace pretrainlab::widgets {

TokenColors tokenColors(int tokenId, bool isMerged) {
    constexpr double goldenRatioConjugate = 0.6180339887498949;
    const double hue = std::fmod(0.11 + tokenId * goldenRatioConjugate, 1.0);
    TokenColors colors;
    colors.fill = QColor::fromHsvF(static_cast<float>(hue), isMerged ? 0.42f : 0.16f, 0.99f);
    colors.border = QColor::fromHsvF(static_cast<float>(hue), 0.75f, isMerged ? 0.55f : 0.70f);
    colors.text = viewPalette().chipText;
    return colors;
}

}  // namespace pretrainlab::widgets
