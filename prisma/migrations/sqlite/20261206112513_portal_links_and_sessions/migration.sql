-- CreateTable
CREATE TABLE "portal_links" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "partner_id" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL,
    "used_at" DATETIME,
    CONSTRAINT "portal_links_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "portal_sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "partner_id" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL,
    "last_seen_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL,
    "csrf_secret" TEXT NOT NULL,
    "revoked_at" DATETIME,
    "ip" TEXT,
    "user_agent" TEXT,
    CONSTRAINT "portal_sessions_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "portal_links_partner_id_idx" ON "portal_links"("partner_id");

-- CreateIndex
CREATE INDEX "portal_links_expires_at_idx" ON "portal_links"("expires_at");

-- CreateIndex
CREATE INDEX "portal_sessions_partner_id_revoked_at_idx" ON "portal_sessions"("partner_id", "revoked_at");

-- CreateIndex
CREATE INDEX "portal_sessions_expires_at_idx" ON "portal_sessions"("expires_at");
