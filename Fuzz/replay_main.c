// A main() for the harnesses without libFuzzer: runs each file named on the command line (or
// every file in each directory named) through LLVMFuzzerTestOneInput once. scripts/sanitize
// builds the harnesses with it and no sanitizer, to run them under Valgrind's memcheck, which
// also sees writes from uninstrumented library code (libswscale's SIMD stores) that ASan misses.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int replay_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return 0;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t) size : 1);
    size_t read = data ? fread(data, 1, (size_t) size, file) : 0;
    fclose(file);
    if (!data) return 0;
    LLVMFuzzerTestOneInput(data, read);
    free(data);
    return 1;
}

static int replay(const char *path) {
    struct stat info;
    if (stat(path, &info) != 0) return 0;
    if (!S_ISDIR(info.st_mode)) return replay_file(path);
    DIR *dir = opendir(path);
    if (!dir) return 0;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (entry->d_name[0] == '.') continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        count += replay(child);
    }
    closedir(dir);
    return count;
}

int main(int argc, char **argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    int count = 0;
    for (int i = 1; i < argc; i++) count += replay(argv[i]);
    fprintf(stderr, "replayed %d inputs\n", count);
    return 0;
}
