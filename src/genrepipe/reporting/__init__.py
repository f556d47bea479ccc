"""What people read: every PNG, the report's tables, the catalog of transforms and models, the
training-curves file for `dvc plots`."""
