from django.contrib import admin

from konvergen.audit.admin_base import AuditedModelAdmin
from konvergen.dci.models import Sender, Transaction, TransactionItem


@admin.register(Sender)
class SenderAdmin(AuditedModelAdmin):
    """Register a sender: its Ed25519 public key, what it may ask, what it receives."""

    list_display = ("sender_id", "name", "region", "operations", "fields", "is_active")
    list_filter = ("is_active",)
    search_fields = ("sender_id", "name")
    raw_id_fields = ("region",)


class TransactionItemInline(admin.TabularInline):
    model = TransactionItem
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in TransactionItem._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    """What each sender asked and how it was answered (counts only)."""

    list_display = ("received_at", "sender", "action", "transaction_id", "status",
                    "status_reason_code", "request_count", "record_count")
    list_filter = ("action", "status", "sender")
    search_fields = ("transaction_id", "correlation_id", "message_id")
    readonly_fields = [f.name for f in Transaction._meta.fields]
    inlines = [TransactionItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
