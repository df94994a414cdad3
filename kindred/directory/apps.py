from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "kindred.directory"
    label = "directory"
    verbose_name = "Public directory of groups"
