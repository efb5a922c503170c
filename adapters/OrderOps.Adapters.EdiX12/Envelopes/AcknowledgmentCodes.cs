namespace OrderOps.Adapters.EdiX12.Envelopes;

// Code lists of the X12 acknowledgments, values as X12 defines them (data elements 715-723 and I18/I12).

/// <summary>AK501 (717) and AK901 (715) acknowledgment codes.</summary>
public enum AcknowledgmentCode
{
    /// <summary>A: accepted.</summary>
    Accepted,

    /// <summary>E: accepted, but errors were noted.</summary>
    AcceptedWithErrors,

    /// <summary>P (AK9 only): partially accepted, at least one transaction set was rejected.</summary>
    PartiallyAccepted,

    /// <summary>R: rejected.</summary>
    Rejected,
}

/// <summary>AK502-AK506 (718) transaction set syntax error codes.</summary>
public enum TransactionSetErrorCode
{
    NotSupported = 1,
    TrailerMissing = 2,
    ControlNumberMismatch = 3,
    SegmentCountMismatch = 4,
    SegmentsInError = 5,
    MissingOrInvalidIdentifier = 6,
    MissingOrInvalidControlNumber = 7,
    ControlNumberNotUniqueInGroup = 23,
}

/// <summary>AK905-AK909 (716) functional group syntax error codes.</summary>
public enum FunctionalGroupErrorCode
{
    NotSupported = 1,
    VersionNotSupported = 2,
    TrailerMissing = 3,
    ControlNumberMismatch = 4,
    TransactionSetCountMismatch = 5,
    ControlNumberSyntax = 6,
}

/// <summary>AK304 (720) segment syntax error codes.</summary>
public enum SegmentErrorCode
{
    UnrecognizedSegmentId = 1,
    UnexpectedSegment = 2,
    MandatorySegmentMissing = 3,
    LoopOccursOverMaximumTimes = 4,
    SegmentExceedsMaximumUse = 5,
    SegmentNotInDefinedTransactionSet = 6,
    SegmentNotInProperSequence = 7,
    SegmentHasDataElementErrors = 8,
}

/// <summary>AK403 (723) data element syntax error codes.</summary>
public enum ElementErrorCode
{
    MandatoryElementMissing = 1,
    ConditionalRequiredElementMissing = 2,
    TooManyElements = 3,
    TooShort = 4,
    TooLong = 5,
    InvalidCharacter = 6,
    InvalidCodeValue = 7,
    InvalidDate = 8,
    InvalidTime = 9,
    ExclusionConditionViolated = 10,
}

/// <summary>TA105 (I18) interchange note codes used here.</summary>
public enum InterchangeNoteCode
{
    NoError = 0,
    ControlNumberMismatch = 1,
    InvalidReceiverId = 8,
    UnknownReceiverId = 9,
    InvalidControlNumberValue = 18,
    InvalidGroupCount = 21,
    PrematureEndOfFile = 23,
    InvalidInterchangeContent = 24,
    DuplicateControlNumber = 25,
}
