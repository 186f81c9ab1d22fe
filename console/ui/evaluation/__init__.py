"""The duty leader's rankings (综合评价): a dock of sortable rankings with the cases behind."""
