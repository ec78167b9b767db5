package io.consentsync.reconcile;

/**
 * A run in progress (exchange variable {@code reconcileRun}): its options, where paging stands and what it counted.
 * Only one page is held at a time; the counts are saved to the store after every page.
 */
public class ReconcileRun {

    private final String id;
    private final boolean dryRun;
    private final boolean force;
    private final String organizationUserId;
    private long skip;
    private boolean morePages = true;
    /** The users of the last page read, by Didomi id: the same page again means $skip is not honoured. */
    private java.util.List<String> lastPage = java.util.List.of();
    long usersRead;
    long usersSkipped;
    long contactsInSync;
    long contactsChanged;
    /** Ids of the events stored and held back since the last release (at most a release's worth). */
    final java.util.List<String> held = new java.util.ArrayList<>();

    public ReconcileRun(String id, boolean dryRun, boolean force, String organizationUserId) {
        this.id = id;
        this.dryRun = dryRun;
        this.force = force;
        this.organizationUserId = organizationUserId;
    }

    public String id() {
        return id;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public boolean force() {
        return force;
    }

    public String organizationUserId() {
        return organizationUserId;
    }

    public long skip() {
        return skip;
    }

    /** Read by the loop {@code page-through-didomi-users}. */
    public boolean isMorePages() {
        return morePages;
    }

    /** After a page of {@code size} users out of {@code total} (null: Didomi did not say). */
    /** False when the page holds the same users as the page before (a server that ignores $skip pages for ever). */
    boolean isNewPage(java.util.List<String> userIds) {
        boolean fresh = userIds.isEmpty() || !userIds.equals(lastPage);
        lastPage = userIds;
        return fresh;
    }

    void pageRead(int size, Long total) {
        skip += size;
        morePages = size > 0 && (total == null ? size >= UsersPageRequest.PAGE_SIZE : skip < total);
    }
}
