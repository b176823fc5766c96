#include "app/cli/inspect_command.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "core/train/safetensors.hpp"

namespace pretrainlab::cli {
namespace {

using Json = nlohmann::ordered_json;

int runInspect(const Arguments& arguments, std::ostream& out) {
    const std::string path = arguments.required("file");
    const train::SafetensorsLayout layout = train::readSafetensorsLayout(path);
    Json summary{{"file", path},
                 {"bytes", layout.fileBytes},
                 {"header_bytes", layout.headerBytes},
                 {"data_bytes", layout.fileBytes - layout.dataStart},
                 {"tensors", layout.tensors.size()},
                 {"metadata", layout.metadata}};
    out << summary.dump() << '\n';
    for (const train::TensorEntry& tensor : layout.tensors) {
        const Json line{{"name", tensor.name},
                        {"dtype", tensor.dtype},
                        {"shape", tensor.shape},
                        {"data_offsets", {tensor.begin, tensor.end}},
                        {"bytes", tensor.end - tensor.begin}};
        out << line.dump() << '\n';
    }
    return 0;
}

}  // namespace

Command inspectCommand() {
    return {"inspect",
            "List a safetensors file's metadata and tensors: a JSON line for the file, then one per tensor (name, "
            "dtype, shape, data_offsets: its byte range after the header) in the order of their bytes. Only the "
            "header is read; a file that breaks the format is refused, saying what is wrong.",
            {{"file", "FILE.safetensors", "the file to list", true, false, true}},
            [](const Arguments& arguments, std::ostream& out, std::ostream&) { return runInspect(arguments, out); }};
}

}  // namespace pretrainlab::cli
