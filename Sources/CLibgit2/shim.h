#ifndef DUETRAIL_CLIBGIT2_SHIM_H
#define DUETRAIL_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

/* git_libgit2_opts is variadic and cannot be called from Swift: fixed-argument wrappers. */
static inline int duetrail_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
static inline int duetrail_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}
static inline int duetrail_git_set_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}
static inline int duetrail_git_set_ssl_cert_locations(const char *file, const char *dir) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir);
}
/* Calls through the write-pack vtable (function pointers in a struct). */
static inline int duetrail_writepack_append(git_odb_writepack *w, const void *data, size_t size, git_indexer_progress *stats) {
    return w->append(w, data, size, stats);
}
static inline int duetrail_writepack_commit(git_odb_writepack *w, git_indexer_progress *stats) {
    return w->commit(w, stats);
}
static inline void duetrail_writepack_free(git_odb_writepack *w) {
    w->free(w);
}
#endif
