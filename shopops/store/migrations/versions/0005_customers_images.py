"""customers and images (sync-customers, sync-images)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- customers_images: begin
    op.create_table(
        "erp_item_picture",
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("file_path", sa.String(length=500), nullable=True),
        sa.Column("content_type", sa.String(length=100), server_default="image/png", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_no"], ["erp_item.no"], name=op.f("fk_erp_item_picture_item_no_erp_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_no", "variant_code", name="pk_erp_item_picture"),
    )
    op.create_table(
        "shopify_customer",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=255), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=50), server_default="", nullable=False),
        sa.Column("first_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("last_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("company", sa.String(length=255), server_default="", nullable=False),
        sa.Column("address1", sa.String(length=255), server_default="", nullable=False),
        sa.Column("address2", sa.String(length=255), server_default="", nullable=False),
        sa.Column("city", sa.String(length=100), server_default="", nullable=False),
        sa.Column("zip", sa.String(length=20), server_default="", nullable=False),
        sa.Column("province_code", sa.String(length=30), server_default="", nullable=False),
        sa.Column("country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("shopify_updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("erp_customer_no", sa.String(length=20), nullable=True),
        sa.Column("hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("last_updated_by", sa.String(length=10), server_default="shopify", nullable=False),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_updated_by IN ('erp', 'shopify')", name=op.f("ck_shopify_customer_last_updated_by")),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_customer_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_customer"),
    )
    with op.batch_alter_table("shopify_customer", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_customer_erp_no", ["shop_code", "erp_customer_no"], unique=False)
    op.create_table(
        "shopify_media_link",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("variant_id", sa.BigInteger(), nullable=True),
        sa.Column("media_id", sa.BigInteger(), nullable=True),
        sa.Column("media_url", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("sha256", sa.String(length=64), server_default="", nullable=False),
        sa.Column("last_updated_by", sa.String(length=10), server_default="erp", nullable=False),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_updated_by IN ('erp', 'shopify')", name=op.f("ck_shopify_media_link_last_updated_by")),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_media_link_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "item_no", "variant_code", name="pk_shopify_media_link"),
    )
    # --- customers_images: end


def downgrade() -> None:
    # --- customers_images (drop, reverse order): begin
    op.drop_table("shopify_media_link")
    with op.batch_alter_table("shopify_customer", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_customer_erp_no")
    op.drop_table("shopify_customer")
    op.drop_table("erp_item_picture")
    # --- customers_images (drop, reverse order): end
