"""What a reader sees: page pieces, charts, templates, the index page, the workbook, the explorer, the words."""
