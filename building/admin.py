from django.contrib import admin

from building.models import Building, Floor, Site, Space


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site")
    list_filter = ("site",)


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "building", "site")
    list_filter = ("site", "building")


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "floor", "site")
    list_filter = ("site", "kind")
    search_fields = ("code", "name")
