// What a save flushes to the disk: fsync is replaced here by a version that records the path of
// every descriptor it flushes, so the test sees which files and folders a write makes durable.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/file_io.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string>& flushed() {
    static std::vector<std::string> paths;
    return paths;
}

}  // namespace

// Takes the place of the C library's fsync for everything linked into this test.
extern "C" int fsync(int fd) {
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[4096];
    const ssize_t length = ::readlink(link, target, sizeof target - 1);
    if (length > 0) flushed().emplace_back(target, static_cast<std::size_t>(length));
    return static_cast<int>(::syscall(SYS_fsync, fd));
}

class TestFileIoSync : public QObject {
    Q_OBJECT

private:
    QTemporaryDir folder_;

    bool wasFlushed(const fs::path& path) const {
        const std::string name = fs::canonical(path).string();
        return std::find(flushed().begin(), flushed().end(), name) != flushed().end();
    }

private slots:
    void initTestCase() { QVERIFY(folder_.isValid()); }

    // Through a symbolic link into another folder, the temporary lies in that folder: its entry
    // there is flushed before the temporary is returned, so a commit naming it never outlives it.
    void aTemporaryIsFlushedWithItsFolderEntry() {
        const fs::path links = fs::path(folder_.path().toStdString()) / "links";
        const fs::path real = fs::path(folder_.path().toStdString()) / "real";
        fs::create_directories(links);
        fs::create_directories(real);
        fs::create_symlink(real / "w.safetensors", links / "w.safetensors");
        flushed().clear();
        const fs::path temporary = pretrainlab::writeTemporaryFile(links / "w.safetensors", "weights");
        QCOMPARE(temporary.parent_path(), real);
        QVERIFY(wasFlushed(temporary));
        QVERIFY2(wasFlushed(real), "the temporary's folder was not flushed");
        pretrainlab::removeQuietly(temporary);
    }
};

QTEST_APPLESS_MAIN(TestFileIoSync)
#include "test_file_io_sync.moc"
